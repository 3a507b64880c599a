/*
 * A librdkafka load generator for bench/ (never a CI dependency): the same
 * client most Kafka users run, so the broker, not a JS client, is measured.
 *
 *   rdkafka-perf produce -b HOST:PORT -t TOPIC -n COUNT -s SIZE [-a ACKS] [-z CODEC] [-l LINGER_MS]
 *                        [-k KEYS] [-i] [-B BATCH_BYTES]
 *     -k: keyed records "key-<i % KEYS>" (murmur2 partitioner, as the Java client); -i: enable.idempotence;
 *     -B: batch.size (default 1000000). Without them: keyless, not idempotent (the broker bench).
 *   rdkafka-perf consume -b HOST:PORT -t TOPIC -n COUNT
 *   rdkafka-perf latency -b HOST:PORT -t TOPIC -r RATE_PER_S -d SECONDS -s SIZE
 *   rdkafka-perf create  -b HOST:PORT -t TOPIC -p PARTITIONS
 *
 * Prints one JSON line of results. Build: cc -O2 -o rdkafka-perf rdkafka-perf.c -lrdkafka -lpthread
 */
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *brokers = "localhost:9092", *topic = "bench", *codec = "none", *acks = "1";
static long partitions = 8, count = 1000000, size = 1024, rate = 10000, seconds = 10, linger_ms = 5;
static long keys = 0, batch_bytes = 1000000;
static int idempotent = 0;
static volatile long delivered = 0, failed = 0;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, const char *detail) {
  fprintf(stderr, "rdkafka-perf: %s: %s\n", what, detail);
  exit(1);
}

static void set(rd_kafka_conf_t *conf, const char *key, const char *value) {
  char err[512];
  if (rd_kafka_conf_set(conf, key, value, err, sizeof err) != RD_KAFKA_CONF_OK) die(key, err);
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  (void)opaque;
  if (m->err) failed++;
  else delivered++;
}

static rd_kafka_t *make_producer(void) {
  char err[512], linger[32], batch[32];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  snprintf(linger, sizeof linger, "%ld", linger_ms);
  snprintf(batch, sizeof batch, "%ld", batch_bytes);
  set(conf, "bootstrap.servers", brokers);
  set(conf, "acks", acks);
  set(conf, "compression.codec", codec);
  set(conf, "linger.ms", linger);
  set(conf, "batch.size", batch);
  set(conf, "queue.buffering.max.kbytes", "1048576");
  set(conf, "enable.idempotence", idempotent ? "true" : "false");
  if (keys > 0) set(conf, "partitioner", "murmur2_random");
  rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) die("producer", err);
  return rk;
}

/* A consumer reading every partition of the topic through one queue, without a group
 * (the legacy per-partition API: no coordinator involved, so only the fetch path is measured). */
static rd_kafka_t *consumer_rk;
static rd_kafka_queue_t *make_consumer(int64_t start_offset) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", brokers);
  set(conf, "fetch.wait.max.ms", "100");
  set(conf, "fetch.message.max.bytes", "10485760");
  set(conf, "queued.max.messages.kbytes", "262144");
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof err);
  if (!rk) die("consumer", err);
  consumer_rk = rk;
  const rd_kafka_metadata_t *md;
  rd_kafka_topic_t *t = rd_kafka_topic_new(rk, topic, NULL);
  if (rd_kafka_metadata(rk, 0, t, &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) die("metadata", topic);
  if (md->topic_cnt != 1 || md->topics[0].err) die("metadata", "topic not found");
  rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
  for (int i = 0; i < md->topics[0].partition_cnt; i++)
    if (rd_kafka_consume_start_queue(t, md->topics[0].partitions[i].id, start_offset, q) == -1) die("consume_start", topic);
  rd_kafka_metadata_destroy(md);
  return q;
}

static void produce_keyed(rd_kafka_t *rk, const void *payload, size_t len, const char *key, size_t key_len) {
  for (;;) {
    rd_kafka_resp_err_t err =
        rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_KEY((void *)key, key_len),
                          RD_KAFKA_V_VALUE((void *)payload, len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
    if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) die("produce", rd_kafka_err2str(err));
    rd_kafka_poll(rk, 1);
  }
}

static void produce_to(rd_kafka_t *rk, const void *payload, size_t len) { produce_keyed(rk, payload, len, NULL, 0); }

static int run_produce(void) {
  rd_kafka_t *rk = make_producer();
  char *payload = malloc(size);
  for (long i = 0; i < size; i++) payload[i] = (char)('a' + (i * 7 + i / 13) % 26);
  char key[32];
  double start = now_s();
  for (long i = 0; i < count; i++) {
    if (keys > 0) produce_keyed(rk, payload, size, key, (size_t)snprintf(key, sizeof key, "key-%ld", i % keys));
    else produce_to(rk, payload, size);
    if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
  }
  rd_kafka_flush(rk, 120000);
  double elapsed = now_s() - start;
  printf("{\"mode\":\"produce\",\"records\":%ld,\"failed\":%ld,\"seconds\":%.3f,\"records_per_s\":%.0f,\"mb_per_s\":%.1f}\n",
         delivered, failed, elapsed, delivered / elapsed, delivered * (double)size / elapsed / 1e6);
  rd_kafka_destroy(rk);
  return failed ? 1 : 0;
}

static int run_consume(void) {
  rd_kafka_queue_t *q = make_consumer(RD_KAFKA_OFFSET_BEGINNING);
  long got = 0;
  double bytes = 0, start = 0, deadline = now_s() + 120;
  while (got < count && now_s() < deadline) {
    rd_kafka_message_t *m = rd_kafka_consume_queue(q, 100);
    if (!m) continue;
    if (!m->err) {
      if (got == 0) start = now_s();
      got++;
      bytes += m->len;
    }
    rd_kafka_message_destroy(m);
  }
  double elapsed = now_s() - start;
  printf("{\"mode\":\"consume\",\"records\":%ld,\"seconds\":%.3f,\"records_per_s\":%.0f,\"mb_per_s\":%.1f}\n", got, elapsed,
         got / elapsed, bytes / elapsed / 1e6);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(consumer_rk);
  return got < count ? 1 : 0;
}

static int64_t *latencies;
static volatile long latency_count = 0, expected = 0;
static volatile int consumer_ready = 0;

static void *latency_consumer(void *arg) {
  (void)arg;
  rd_kafka_queue_t *q = make_consumer(RD_KAFKA_OFFSET_END);
  consumer_ready = 1;
  double deadline = now_s() + seconds + 30;
  while ((expected == 0 || latency_count < expected) && now_s() < deadline) {
    rd_kafka_message_t *m = rd_kafka_consume_queue(q, 50);
    if (!m) continue;
    if (!m->err && m->len >= sizeof(int64_t)) {
      int64_t sent;
      memcpy(&sent, m->payload, sizeof sent);
      latencies[latency_count++] = now_ns() - sent;
    }
    rd_kafka_message_destroy(m);
  }
  rd_kafka_queue_destroy(q);
  return NULL;
}

static int cmp64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return x < y ? -1 : x > y;
}

static double pct(double p) {
  long i = (long)(p * (latency_count - 1));
  return latencies[i] / 1e6;
}

static int run_latency(void) {
  long total = rate * seconds;
  latencies = calloc(total, sizeof(int64_t));
  pthread_t th;
  pthread_create(&th, NULL, latency_consumer, NULL);
  while (!consumer_ready) usleep(1000);
  sleep(2); /* let the consumer's first fetches reach the log end */
  rd_kafka_t *rk = make_producer();
  char *payload = calloc(1, size < 8 ? 8 : size);
  /* Send what is due, then sleep half a millisecond: a spinning producer would take one of the
   * machine's two cores from the broker it measures. Each record carries its own send time. */
  double start = now_s();
  for (long i = 0; i < total;) {
    long due = (long)((now_s() - start) * rate) + 1;
    if (due > total) due = total;
    for (; i < due; i++) {
      int64_t t = now_ns();
      memcpy(payload, &t, sizeof t);
      produce_to(rk, payload, size);
    }
    rd_kafka_poll(rk, 0);
    usleep(500);
  }
  rd_kafka_flush(rk, 30000);
  expected = delivered;
  pthread_join(th, NULL);
  rd_kafka_destroy(consumer_rk);
  qsort(latencies, latency_count, sizeof(int64_t), cmp64);
  printf("{\"mode\":\"latency\",\"rate\":%ld,\"size\":%ld,\"records\":%ld,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,"
         "\"max_ms\":%.3f}\n",
         rate, size, latency_count, pct(0.5), pct(0.99), pct(0.999), latency_count ? latencies[latency_count - 1] / 1e6 : 0);
  rd_kafka_destroy(rk);
  return latency_count < total ? 1 : 0;
}

static int run_create(void) {
  char err[512];
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  set(conf, "bootstrap.servers", brokers);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (!rk) die("admin", err);
  rd_kafka_NewTopic_t *nt = rd_kafka_NewTopic_new(topic, (int)partitions, 1, err, sizeof err);
  if (!nt) die("new topic", err);
  rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &nt, 1, NULL, q);
  rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 15000);
  if (!ev) die("create", "timed out");
  const rd_kafka_CreateTopics_result_t *res = rd_kafka_event_CreateTopics_result(ev);
  size_t n;
  const rd_kafka_topic_result_t **topics = rd_kafka_CreateTopics_result_topics(res, &n);
  int failed_create = n != 1 || (rd_kafka_topic_result_error(topics[0]) && rd_kafka_topic_result_error(topics[0]) != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS);
  printf("{\"mode\":\"create\",\"topic\":\"%s\",\"partitions\":%ld,\"error\":\"%s\"}\n", topic, partitions,
         n ? rd_kafka_err2str(rd_kafka_topic_result_error(topics[0])) : "none");
  rd_kafka_event_destroy(ev);
  rd_kafka_NewTopic_destroy(nt);
  rd_kafka_queue_destroy(q);
  rd_kafka_destroy(rk);
  return failed_create;
}

int main(int argc, char **argv) {
  if (argc < 2) die("usage", "rdkafka-perf produce|consume|latency [options]");
  const char *mode = argv[1];
  int opt;
  optind = 2;
  while ((opt = getopt(argc, argv, "b:t:n:s:a:z:l:r:d:p:k:iB:")) != -1) {
    switch (opt) {
      case 'b': brokers = optarg; break;
      case 't': topic = optarg; break;
      case 'n': count = atol(optarg); break;
      case 's': size = atol(optarg); break;
      case 'a': acks = optarg; break;
      case 'z': codec = optarg; break;
      case 'l': linger_ms = atol(optarg); break;
      case 'r': rate = atol(optarg); break;
      case 'd': seconds = atol(optarg); break;
      case 'p': partitions = atol(optarg); break;
      case 'k': keys = atol(optarg); break;
      case 'i': idempotent = 1; break;
      case 'B': batch_bytes = atol(optarg); break;
      default: die("usage", "unknown option");
    }
  }
  if (!strcmp(mode, "produce")) return run_produce();
  if (!strcmp(mode, "consume")) return run_consume();
  if (!strcmp(mode, "latency")) return run_latency();
  if (!strcmp(mode, "create")) return run_create();
  die("usage", mode);
  return 2;
}
