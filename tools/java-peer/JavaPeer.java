// The Apache Kafka Java client (the reference client) as a test peer for Fluxo.
// Run: java -cp 'tools/java-peer/target/lib/*' tools/java-peer/JavaPeer.java <command> <bootstrap> ...
//   create-topic <bootstrap> <topic> <partitions>
//   produce <bootstrap> <topic> <count> <codec> <idempotent:true|false>
//   consume <bootstrap> <topic> <count>
//   group-consume <bootstrap> <topic> <group> <max> <assignor: range|cooperative-sticky|...> <idleMs>
//     consumes in a group (subscribe), at most <max> records, commits exactly what it consumed, closes
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
        case "group-consume" -> groupConsume(args[1], args[2], args[3], Integer.parseInt(args[4]), args[5], Integer.parseInt(args[6]));
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

  static void groupConsume(String bootstrap, String topic, String group, int max, String assignor, int idleMs)
      throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("group.id", group);
    p.put("enable.auto.commit", "false");
    p.put("auto.offset.reset", "earliest");
    p.put("session.timeout.ms", "6000");
    p.put("heartbeat.interval.ms", "500");
    p.put("partition.assignment.strategy", switch (assignor) {
      case "range" -> "org.apache.kafka.clients.consumer.RangeAssignor";
      case "roundrobin" -> "org.apache.kafka.clients.consumer.RoundRobinAssignor";
      case "sticky" -> "org.apache.kafka.clients.consumer.StickyAssignor";
      default -> "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
    });
    p.put("key.deserializer", StringDeserializer.class.getName());
    p.put("value.deserializer", StringDeserializer.class.getName());
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(topic));
      Map<Integer, Long> first = new TreeMap<>();
      Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> next = new java.util.HashMap<>();
      // The assignment when the first records arrived (later rebalances, e.g. a partner leaving, may grow it).
      java.util.Set<Integer> assigned = new java.util.TreeSet<>();
      int got = 0;
      long lastRecord = System.currentTimeMillis();
      long deadline = lastRecord + 60_000;
      outer:
      while (got < max && System.currentTimeMillis() < deadline) {
        var records = consumer.poll(Duration.ofMillis(100));
        if (!records.isEmpty() && assigned.isEmpty()) {
          for (TopicPartition tp : consumer.assignment()) assigned.add(tp.partition());
        }
        if (records.isEmpty() && got > 0 && System.currentTimeMillis() - lastRecord > idleMs) break;
        for (ConsumerRecord<String, String> r : records) {
          first.putIfAbsent(r.partition(), r.offset());
          next.put(new TopicPartition(r.topic(), r.partition()),
              new org.apache.kafka.clients.consumer.OffsetAndMetadata(r.offset() + 1));
          lastRecord = System.currentTimeMillis();
          if (++got >= max) break outer;
        }
      }
      consumer.commitSync(next);
      StringBuilder json = new StringBuilder("{\"consumed\":" + got + ",\"assigned\":" + assigned + ",\"first\":{");
      String sep = "";
      for (var e : first.entrySet()) {
        json.append(sep).append('"').append(e.getKey()).append("\":").append(e.getValue());
        sep = ",";
      }
      json.append("},\"next\":{");
      sep = "";
      for (var e : next.entrySet()) {
        json.append(sep).append('"').append(e.getKey().partition()).append("\":").append(e.getValue().offset());
        sep = ",";
      }
      System.out.println(json.append("}}"));
    }
  }
}
