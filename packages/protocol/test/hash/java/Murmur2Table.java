// Prints a JSON table of murmur2 hashes computed by the real Java client
// (org.apache.kafka.common.utils.Utils), used as the fixture murmur2-java.json.
// Run: see generate-murmur2-table.sh beside this file.
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Utils;

public class Murmur2Table {
  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) sb.append(String.format("%02x", x & 0xff));
    return sb.toString();
  }

  public static void main(String[] args) {
    List<byte[]> keys = new ArrayList<>();
    String[] texts = {
      "", "a", "ab", "abc", "abcd", "abcde", "key", "key-0", "key-1", "key-2", "order-12345",
      "user:42", "The quick brown fox jumps over the lazy dog", "kafka", "fluxo",
      "ümlaut", "日本語のキー", "emoji 🚀🚀", "ключ", "0123456789abcdef0123456789abcdef"
    };
    for (String t : texts) keys.add(t.getBytes(StandardCharsets.UTF_8));
    keys.add(new byte[] {0});
    keys.add(new byte[] {(byte) 0xff});
    keys.add(new byte[] {(byte) 0x80, 0x7f, 0x00});
    keys.add(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3});
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) all[i] = (byte) i;
    keys.add(all);
    // A deterministic pseudo-random spread of lengths 0..64.
    long seed = 12345;
    for (int n = 0; n < 40; n++) {
      seed = seed * 6364136223846793005L + 1442695040888963407L;
      int len = (int) ((seed >>> 33) % 65);
      byte[] k = new byte[len];
      for (int i = 0; i < len; i++) {
        seed = seed * 6364136223846793005L + 1442695040888963407L;
        k[i] = (byte) (seed >>> 56);
      }
      keys.add(k);
    }
    int[] partitionCounts = {1, 3, 7, 12, 100};
    StringBuilder out = new StringBuilder("[\n");
    for (int i = 0; i < keys.size(); i++) {
      byte[] k = keys.get(i);
      int h = Utils.murmur2(k);
      int pos = Utils.toPositive(h);
      out.append("  {\"keyHex\": \"").append(hex(k)).append("\", \"murmur2\": ").append(h)
          .append(", \"toPositive\": ").append(pos).append(", \"partitions\": {");
      for (int j = 0; j < partitionCounts.length; j++) {
        if (j > 0) out.append(", ");
        out.append('"').append(partitionCounts[j]).append("\": ").append(pos % partitionCounts[j]);
      }
      out.append("}}").append(i + 1 < keys.size() ? ",\n" : "\n");
    }
    out.append("]\n");
    System.out.print(out);
  }
}
