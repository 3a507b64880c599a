// The Apache Kafka Java client (kafka-clients 4.0) as a peer for @fluxo/client's producer tests.
// Run: java -cp 'tools/java-peer/target/lib/*' packages/client/test/java/ProducerPeer.java <command> ...
//   dump <bootstrap> <topic>...                   every record of every partition of each topic, bytes as hex
//   serialize <type>:<value>...                   what Java's serializers make of each value; types string
//                                                 (value: its UTF-8 as hex), short, integer, long, double, bytes (hex)
//   produce-keys <bootstrap> <topic> <keyHex>...  one record per key (its UTF-8 as hex), default partitioner: where each went
//   produce-round-robin <bootstrap> <topic> <n>   n keyless records with RoundRobinPartitioner: partitions in send order
//   produce <bootstrap> <topic> <count> <codec>   count records key-i/value-i, acks=all
//   config <k=v;k=v>...                           for each settings set: does KafkaProducer accept it, idempotent or not
// Prints one JSON line on stdout and exits 0, or prints the error and exits 1.
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.DoubleSerializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.common.serialization.ShortSerializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class ProducerPeer {
  static final HexFormat HEX = HexFormat.of();

  public static void main(String[] args) throws Exception {
    try {
      switch (args[0]) {
        case "dump" -> dump(args[1], List.of(args).subList(2, args.length));
        case "serialize" -> serialize(List.of(args).subList(1, args.length));
        case "produce-keys" -> produceKeys(args[1], args[2], List.of(args).subList(3, args.length));
        case "produce-round-robin" -> produceRoundRobin(args[1], args[2], Integer.parseInt(args[3]));
        case "produce" -> produce(args[1], args[2], Integer.parseInt(args[3]), args[4]);
        case "config" -> config(List.of(args).subList(1, args.length));
        default -> throw new IllegalArgumentException("unknown command " + args[0]);
      }
    } catch (Exception e) {
      System.err.println("producer-peer: " + e);
      System.exit(1);
    }
  }

  static String hex(byte[] b) {
    return b == null ? "null" : "\"" + HEX.formatHex(b) + "\"";
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  static void dump(String bootstrap, List<String> topics) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("enable.auto.commit", "false");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (String topic : topics) {
        for (PartitionInfo info : consumer.partitionsFor(topic)) parts.add(new TopicPartition(topic, info.partition()));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      StringBuilder out = new StringBuilder("{\"records\":[");
      String sep = "";
      long deadline = System.currentTimeMillis() + 60_000;
      while (System.currentTimeMillis() < deadline && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.append(sep).append("{\"t\":").append(quote(r.topic())).append(",\"p\":").append(r.partition());
          out.append(",\"o\":").append(r.offset());
          out.append(",\"ts\":").append(r.timestamp()).append(",\"k\":").append(hex(r.key()));
          out.append(",\"v\":").append(hex(r.value())).append(",\"h\":[");
          String hsep = "";
          for (Header h : r.headers()) {
            out.append(hsep).append("[").append(quote(h.key())).append(",").append(hex(h.value())).append("]");
            hsep = ",";
          }
          out.append("]}");
          sep = ",";
        }
      }
      System.out.println(out.append("]}"));
    }
  }

  static void serialize(List<String> typedValues) {
    StringBuilder out = new StringBuilder("{\"hex\":[");
    String sep = "";
    for (String typed : typedValues) {
      int colon = typed.indexOf(':');
      String type = typed.substring(0, colon), v = typed.substring(colon + 1);
      byte[] bytes = switch (type) {
        // Given as UTF-8 hex so that no platform charset touches the argument on its way in.
        case "string" -> new StringSerializer().serialize("t", new String(HEX.parseHex(v), StandardCharsets.UTF_8));
        case "short" -> new ShortSerializer().serialize("t", Short.parseShort(v));
        case "integer" -> new IntegerSerializer().serialize("t", Integer.parseInt(v));
        case "long" -> new LongSerializer().serialize("t", Long.parseLong(v));
        case "double" -> new DoubleSerializer().serialize("t", Double.parseDouble(v));
        case "bytes" -> new ByteArraySerializer().serialize("t", HEX.parseHex(v));
        default -> throw new IllegalArgumentException("unknown type " + type);
      };
      out.append(sep).append(hex(bytes));
      sep = ",";
    }
    System.out.println(out.append("]}"));
  }

  static Properties producerProps(String bootstrap) {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap);
    p.put("acks", "all");
    p.put("linger.ms", "5");
    return p;
  }

  static void produceKeys(String bootstrap, String topic, List<String> keysHex) throws Exception {
    StringBuilder out = new StringBuilder("{\"partitions\":[");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerProps(bootstrap), new StringSerializer(), new StringSerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (String keyHex : keysHex) {
        String key = new String(HEX.parseHex(keyHex), StandardCharsets.UTF_8);
        sent.add(producer.send(new ProducerRecord<>(topic, key, "java")));
      }
      producer.flush();
      for (int i = 0; i < sent.size(); i++) out.append(i == 0 ? "" : ",").append(sent.get(i).get().partition());
    }
    System.out.println(out.append("]}"));
  }

  static void produceRoundRobin(String bootstrap, String topic, int n) throws Exception {
    Properties p = producerProps(bootstrap);
    p.put("partitioner.class", RoundRobinPartitioner.class.getName());
    StringBuilder out = new StringBuilder("{\"partitions\":[");
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < n; i++) {
        // One at a time, so each record starts a batch of its own the way a slow trickle would.
        RecordMetadata m = producer.send(new ProducerRecord<>(topic, null, "rr-" + i)).get();
        out.append(i == 0 ? "" : ",").append(m.partition());
      }
    }
    System.out.println(out.append("]}"));
  }

  static void config(List<String> cases) {
    StringBuilder out = new StringBuilder("{\"verdicts\":[");
    String sep = "";
    for (String c : cases) {
      Properties p = new Properties();
      p.put("bootstrap.servers", "127.0.0.1:9");
      for (String kv : c.split(";")) {
        if (kv.isEmpty()) continue;
        int eq = kv.indexOf('=');
        p.put(kv.substring(0, eq), kv.substring(eq + 1));
      }
      out.append(sep);
      sep = ",";
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
        out.append("{\"ok\":true,\"idempotence\":").append(idempotentInUse(producer)).append("}");
      } catch (Exception e) {
        Throwable root = e;
        while (root.getCause() != null) root = root.getCause();
        out.append("{\"ok\":false,\"error\":").append(quote(root.getClass().getSimpleName())).append(",\"message\":").append(quote(String.valueOf(root.getMessage()))).append("}");
      }
    }
    System.out.println(out.append("]}"));
  }

  /** Whether the producer really runs idempotent: it has a transaction manager then (no public accessor). */
  static boolean idempotentInUse(KafkaProducer<?, ?> producer) throws ReflectiveOperationException {
    java.lang.reflect.Field f = KafkaProducer.class.getDeclaredField("transactionManager");
    f.setAccessible(true);
    return f.get(producer) != null;
  }

  static void produce(String bootstrap, String topic, int count, String codec) throws Exception {
    Properties p = producerProps(bootstrap);
    p.put("compression.type", codec);
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, 0, "key-" + i, "value-" + i);
        r.headers().add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
        sent.add(producer.send(r));
      }
      producer.flush();
      for (Future<RecordMetadata> f : sent) f.get();
    }
    System.out.println("{\"sent\":" + count + "}");
  }
}
