// Prints Apache Kafka's error table (org.apache.kafka.common.protocol.Errors) as JSON:
// code, name, retriable (the exception is a RetriableException), default message.
// Source of truth for src/errors/error-codes.ts and the fixture kafka-4.0-errors.json.
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.protocol.Errors;

public class ErrorTable {
  static String json(String s) {
    if (s == null) return "null";
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  public static void main(String[] args) {
    StringBuilder out = new StringBuilder("[\n");
    Errors[] all = Errors.values();
    for (int i = 0; i < all.length; i++) {
      Errors e = all[i];
      boolean retriable = e.exception() instanceof RetriableException;
      String message = e.exception() == null ? null : e.exception().getMessage();
      out.append("  {\"code\": ").append(e.code()).append(", \"name\": ").append(json(e.name()))
          .append(", \"retriable\": ").append(retriable).append(", \"message\": ").append(json(message)).append('}')
          .append(i + 1 < all.length ? ",\n" : "\n");
    }
    System.out.print(out.append("]\n"));
  }
}
