package dev.fivefold.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Dataset;
import dev.fivefold.io.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local SGD on Spark local[2] against the in-process reference, bit for bit; resume; bad input. */
class LocalSgdTest {
  static final Dataset TRAIN = Blobs.of(800, 1), TEST = Blobs.of(400, 2);
  static SparkRounds spark;

  @BeforeAll
  static void start() {
    spark = SparkRounds.open(SparkOptions.of("local[2]"), 2);
  }

  @AfterAll
  static void stop() {
    if (spark != null) spark.close();
  }

  static LocalSgd.Config config(int workers, int rounds, int fanIn, Path runDir, boolean resume) {
    LocalWorker.Spec spec = new LocalWorker.Spec(Blobs.model(), "sgd", 0.1, 16, 5, 7, DeltaCodec.dense());
    return new LocalSgd.Config(TRAIN, TEST, spec, workers, rounds, fanIn, 0, runDir, resume);
  }

  @Test
  void sparkLocal2EqualsTheInProcessLoopBitForBit() throws Exception {
    LocalSgd.Config c = config(2, 4, 0, null, false);
    LocalSgd.Result ref = LocalSgd.run(c, new InProcessRounds(), null);
    LocalSgd.Result got = LocalSgd.run(c, spark, null);
    assertArrayEquals(ref.weights(), got.weights());
    for (int r = 0; r < 4; r++) assertEquals(ref.rounds().get(r).loss(), got.rounds().get(r).loss(), 0.0, "loss of round " + r);
    assertEquals(ref.testAccuracy(), got.testAccuracy(), 0.0);
    assertTrue(ref.testAccuracy() > 0.6, "learns: accuracy " + ref.testAccuracy());
    assertTrue(ref.rounds().get(3).loss() < ref.rounds().get(0).loss());
    long params = ref.weights().length;
    assertEquals(4 * params, got.rounds().get(0).bytesPerWorker());
    assertEquals(4 * params * 2 * 4, got.bytesSent());
  }

  @Test
  void aTreeOfGroupsOnSparkEqualsTheSameTreeInProcess() throws Exception {
    LocalSgd.Config c = config(4, 3, 2, null, false); // 4 workers in 2 groups: a shuffle by group, sums on executors
    float[] ref = LocalSgd.run(c, new InProcessRounds(), null).weights();
    float[] got = LocalSgd.run(c, new SparkRounds(spark.context(), false), null).weights();
    assertArrayEquals(ref, got);
    float[] flat = LocalSgd.run(config(4, 3, 0, null, false), new InProcessRounds(), null).weights();
    assertEquals(ref.length, flat.length);
  }

  @Test
  void workersAreSeededApartAndTheRunDependsOnTheSeed() throws Exception {
    LocalSgd.Config c = config(2, 1, 0, null, false);
    LocalWorker.Spec other = new LocalWorker.Spec(Blobs.model(), "sgd", 0.1, 16, 5, 8, DeltaCodec.dense());
    float[] a = LocalSgd.run(c, new InProcessRounds(), null).weights();
    float[] b = LocalSgd.run(new LocalSgd.Config(TRAIN, TEST, other, 2, 1, 0, 0, null, false), new InProcessRounds(), null).weights();
    assertNotEquals(java.util.Arrays.hashCode(a), java.util.Arrays.hashCode(b));
    assertNotEquals(LocalWorker.workerSeed(7, 0), LocalWorker.workerSeed(7, 1));
  }

  @Test
  void aRunResumedFromItsRoundCheckpointEndsBitIdentical(@TempDir Path dir) throws Exception {
    float[] whole = LocalSgd.run(config(2, 5, 0, null, false), new InProcessRounds(), null).weights();
    LocalSgd.Result first = LocalSgd.run(config(2, 2, 0, dir, false), spark, null);
    assertEquals(2, first.rounds().size());
    assertTrue(Files.exists(dir.resolve(LocalSgd.CHECKPOINT)));
    LocalSgd.Result rest = LocalSgd.run(config(2, 5, 0, dir, true), spark, null);
    assertEquals(2, rest.startRound());
    assertEquals(3, rest.rounds().size());
    assertArrayEquals(whole, rest.weights());
    assertEquals(6, Files.readAllLines(dir.resolve("rounds.csv")).size()); // header + 5 rounds
  }

  @Test
  void aCheckpointOfAnotherRunIsRefusedNamingTheField(@TempDir Path dir) throws Exception {
    LocalSgd.run(config(2, 1, 0, dir, false), new InProcessRounds(), null);
    BadInputException e = assertThrows(BadInputException.class, () -> LocalSgd.run(config(2, 2, 2, dir, true), new InProcessRounds(), null));
    assertTrue(e.getMessage().contains("localsgd.config"), e.getMessage());
  }

  @Test
  void moreWorkersThanLocalSlotsIsBadInput() {
    BadInputException e = assertThrows(BadInputException.class, () -> SparkContexts.open(SparkOptions.of("local[2]"), 3));
    assertEquals("workers (3) exceed the task slots of master local[2] (2)", e.getMessage());
  }

  @Test
  void anUnreachableMasterIsBadInputWithinTheTimeout() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    SparkOptions o = new SparkOptions("spark://127.0.0.1:" + port, 2, 5, "512m", java.util.Map.of());
    long t0 = System.nanoTime();
    BadInputException e = assertThrows(BadInputException.class, () -> SparkContexts.open(o, 1));
    assertTrue(e.getMessage().startsWith("master (spark://127.0.0.1:" + port + ") is not reachable within 2 s"), e.getMessage());
    assertTrue(System.nanoTime() - t0 < 5e9);
  }

  @Test
  void badOptionsNameTheValue() {
    assertEquals("master (local[0]) must be local, local[N], local[*] or local-cluster[N,C,M]",
        assertThrows(IllegalArgumentException.class, () -> SparkOptions.of("local[0]")).getMessage());
    assertEquals("master (spark://nohost) must be spark://host:port",
        assertThrows(IllegalArgumentException.class, () -> SparkOptions.of("spark://nohost")).getMessage());
    assertEquals("local steps (0) must be >= 1",
        assertThrows(IllegalArgumentException.class, () -> new LocalWorker.Spec(Blobs.model(), "sgd", 0.1, 16, 0, 7, DeltaCodec.dense())).getMessage());
  }

  @Test
  void timingsMeasureEveryPointAndFitAlphaBeta() {
    SparkTimings.Result r = SparkTimings.measure(spark.context(), new SparkTimings.Config(new long[] {1_000, 100_000, 1_000_000}, 2, 2, false), null);
    assertEquals(2 + 3 * 3, r.points().size());
    assertTrue(r.point("job", 0).medianSeconds() > 0);
    assertEquals(3, r.fits().size());
    @SuppressWarnings("unchecked")
    var json = (java.util.Map<String, Object>) dev.fivefold.io.Json.parse(r.json());
    assertEquals("local[2]", json.get("master"));
    assertEquals(11, ((List<?>) json.get("points")).size());
  }

  @Test
  void theDenseCodecRoundTripsExactly() {
    float[] d = {0f, -0f, 1.5f, Float.MIN_VALUE, -3.25e7f};
    DeltaCodec.Encoded e = DeltaCodec.dense().encode(d, new byte[0]);
    assertEquals(20, e.payload().length);
    assertArrayEquals(d, DeltaCodec.dense().decode(e.payload(), d.length));
    List<Shard> s = Shard.split(TRAIN, 3);
    assertEquals(TRAIN.size(), s.get(0).size() + s.get(1).size() + s.get(2).size());
  }
}
