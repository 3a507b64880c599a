// The Apache Kafka Java client (the reference client) as a test peer for Fluxo.
// Run: java -cp 'tools/java-peer/target/lib/*' tools/java-peer/JavaPeer.java <command> <bootstrap> ...
//   create-topic <bootstrap> <topic> <partitions>
//   produce <bootstrap> <topic> <count> <codec> <idempotent:true|false>
//   consume <bootstrap> <topic> <count>
// Each command prints one JSON line on stdout and exits 0, or prints the error and exits 1.
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class JavaPeer {
  public static void main(String[] args) throws Exception {
    try {
      switch (args[0]) {
        case "create-topic" -> createTopic(args[1], args[2], Integer.parseInt(args[3]));
        case "produce" -> produce(args[1], args[2], Integer.parseInt(args[3]), args[4], Boolean.parseBoolean(args[5]));
        case "consume" -> consume(args[1], args[2], Integer.parseInt(args[3]));
        default -> throw new IllegalArgumentException("unknown command " + args[0]);
      }
    } catch (Exception e) {
      System.err.println("java-peer: " + e);
      System.exit(1);
    }
  }

  static void createTopic(String bootstrap, String topic, int partitions) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
      int seen = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      System.out.println("{\"topic\":\"" + topic + "\",\"partitions\":" + seen + "}");
    }
  }

  static void produce(String bootstrap, String topic, int count, String codec, boolean idempotent) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("compression.type", codec);
    p.put("enable.idempotence", Boolean.toString(idempotent));
    p.put("linger.ms", "5");
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    Map<String, Integer> partitionOfKey = new TreeMap<>();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, "key-" + i, "value-" + i);
        r.headers().add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
        sent.add(producer.send(r));
      }
      producer.flush();
      for (int i = 0; i < count; i++) {
        RecordMetadata m = sent.get(i).get();
        if (i < 50) partitionOfKey.put("key-" + i, m.partition());
      }
    }
    StringBuilder json = new StringBuilder("{\"sent\":" + count + ",\"partitionOfKey\":{");
    String sep = "";
    for (Map.Entry<String, Integer> e : partitionOfKey.entrySet()) {
      json.append(sep).append('"').append(e.getKey()).append("\":").append(e.getValue());
      sep = ",";
    }
    System.out.println(json.append("}}"));
  }

  static void consume(String bootstrap, String topic, int count) throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("enable.auto.commit", "false");
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : consumer.partitionsFor(topic)) parts.add(new TopicPartition(topic, info.partition()));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      int got = 0, mismatched = 0;
      long deadline = System.currentTimeMillis() + 30_000;
      while (got < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          String n = r.key() == null ? "?" : r.key().substring(4);
          if (!("value-" + n).equals(r.value())) mismatched++;
          got++;
        }
      }
      System.out.println("{\"consumed\":" + got + ",\"mismatched\":" + mismatched + "}");
    }
  }
}
