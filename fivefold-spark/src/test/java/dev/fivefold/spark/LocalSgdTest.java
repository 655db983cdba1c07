package dev.fivefold.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Dataset;
import dev.fivefold.dist.Simulator;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Parameter;
import dev.fivefold.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local SGD rounds on Spark local[2] and in-process against the simulator, bit for bit; resume; bad input. */
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

  static Simulator.Config sim(String compressor, int localSteps, long seed) {
    return new Simulator.Config(Blobs.model(), 2, 16, 1, compressor, localSteps, 0.1, 0.9, seed, null);
  }

  static LocalSgd.Config config(String compressor, int rounds, Path runDir, boolean resume) {
    return new LocalSgd.Config(TRAIN, TEST, sim(compressor, 3, 7), rounds, 0, runDir, resume);
  }

  /** The simulator's weights after {@code rounds} rounds of {@code c}, and its rounds. */
  static Object[] simulate(Simulator.Config c, int rounds) {
    Simulator s = new Simulator(c, TRAIN);
    List<Simulator.Round> out = new ArrayList<>();
    for (int r = 0; r < rounds; r++) out.add(s.round());
    return new Object[] {weights(s), out};
  }

  static float[][] weights(Simulator s) {
    List<Parameter> ps = s.model().parameters();
    float[][] w = new float[ps.size()][];
    for (int i = 0; i < w.length; i++) w[i] = ps.get(i).value().data().clone();
    return w;
  }

  static void assertSame(float[][] want, float[][] got, String what) {
    assertEquals(want.length, got.length, what);
    for (int i = 0; i < want.length; i++) assertArrayEquals(want[i], got[i], what + ": tensor " + i);
  }

  static void sameAsTheSimulator(String compressor) throws Exception {
    sameAsTheSimulator(config(compressor, 4, null, false));
  }

  @SuppressWarnings("unchecked")
  static void sameAsTheSimulator(LocalSgd.Config c) throws Exception {
    String compressor = c.sim().compressor() + " " + c.sim().schedule();
    Object[] ref = simulate(c.sim(), 4);
    List<Simulator.Round> rounds = (List<Simulator.Round>) ref[1];
    for (RoundEngine e : new RoundEngine[] {new InProcessRounds(), new SparkRounds(spark.context(), false)}) {
      LocalSgd.Result got = LocalSgd.run(c, e, null);
      assertSame((float[][]) ref[0], got.weights(), compressor + " on " + e.name());
      for (int r = 0; r < 4; r++) {
        assertEquals(rounds.get(r).loss(), got.rounds().get(r).loss(), 0.0, compressor + " on " + e.name() + ": loss of round " + r);
        assertEquals(rounds.get(r).bytesPerWorker(), got.rounds().get(r).bytesPerWorker(), 0.0, compressor + ": bytes of round " + r);
      }
    }
  }

  @Test
  void denseLocalSgdOnSparkAndInProcessEqualsTheSimulatorBitForBit() throws Exception {
    sameAsTheSimulator("dense");
    LocalSgd.Result r = LocalSgd.run(config("dense", 4, null, false), new InProcessRounds(), null);
    assertTrue(r.testAccuracy() > 0.6, "learns: accuracy " + r.testAccuracy());
    assertTrue(r.rounds().get(3).loss() < r.rounds().get(0).loss());
    long params = 0;
    for (float[] w : r.weights()) params += w.length;
    assertEquals(4 * params, r.rounds().get(0).bytesPerWorker(), 0.0);
    assertEquals(4 * params * 2 * 4, r.bytesSent());
  }

  @Test
  void sparseDeltasWithErrorFeedbackEqualTheSimulatorBitForBit() throws Exception {
    sameAsTheSimulator("topk:ratio=0.1"); // the residual travels with the worker's state
    sameAsTheSimulator("dgc:ratio=0.05,momentum=0.9,correction=off,clip=0,masking=off,warmup=0");
  }

  /** The cosine schedule's position (the replicas' step count) travels with each worker's state bytes and with the round checkpoint. */
  @Test
  void aCosineScheduleOnSparkEqualsTheSimulatorAndResumes(@TempDir Path dir) throws Exception {
    Simulator.Config s = sim("dense", 3, 7);
    Simulator.Config cos = new Simulator.Config(s.model(), 2, 16, 1, "dense", 3, 0.1, 0.9, 7, null, "cosine", 12);
    sameAsTheSimulator(new LocalSgd.Config(TRAIN, TEST, cos, 4, 0, null, false));
    float[][] whole = LocalSgd.run(new LocalSgd.Config(TRAIN, TEST, cos, 4, 0, null, false), new InProcessRounds(), null).weights();
    LocalSgd.run(new LocalSgd.Config(TRAIN, TEST, cos, 2, 0, dir, false), new InProcessRounds(), null);
    LocalSgd.Result rest = LocalSgd.run(new LocalSgd.Config(TRAIN, TEST, cos, 4, 0, dir, true), spark, null);
    assertEquals(2, rest.startRound());
    assertSame(whole, rest.weights(), "resumed with the cosine schedule");
    float[][] constant = LocalSgd.run(config("dense", 4, null, false), new InProcessRounds(), null).weights();
    assertNotEquals(java.util.Arrays.hashCode(constant[0]), java.util.Arrays.hashCode(whole[0]));
  }

  @Test
  void workersAreSeededApartAndTheRunDependsOnTheSeed() throws Exception {
    float[][] a = LocalSgd.run(config("dense", 1, null, false), new InProcessRounds(), null).weights();
    float[][] b = LocalSgd.run(new LocalSgd.Config(TRAIN, TEST, sim("dense", 3, 8), 1, 0, null, false), new InProcessRounds(), null).weights();
    assertNotEquals(java.util.Arrays.hashCode(a[0]), java.util.Arrays.hashCode(b[0]));
  }

  @Test
  void aRunResumedFromItsRoundCheckpointEndsBitIdentical(@TempDir Path dir) throws Exception {
    float[][] whole = LocalSgd.run(config("topk:ratio=0.1", 5, null, false), new InProcessRounds(), null).weights();
    LocalSgd.Result first = LocalSgd.run(config("topk:ratio=0.1", 2, dir, false), spark, null);
    assertEquals(2, first.rounds().size());
    assertTrue(Files.exists(dir.resolve(LocalSgd.CHECKPOINT)));
    LocalSgd.Result rest = LocalSgd.run(config("topk:ratio=0.1", 5, dir, true), spark, null);
    assertEquals(2, rest.startRound());
    assertEquals(3, rest.rounds().size());
    assertSame(whole, rest.weights(), "resumed");
    assertEquals(6, Files.readAllLines(dir.resolve("rounds.csv")).size()); // header + 5 rounds
  }

  @Test
  void theRoundCheckpointIsASimulatorCheckpoint(@TempDir Path dir) throws Exception {
    LocalSgd.run(config("topk:ratio=0.1", 2, dir, false), new InProcessRounds(), null);
    Simulator s = new Simulator(sim("topk:ratio=0.1", 3, 7), TRAIN);
    s.load(Checkpoint.read(dir.resolve(LocalSgd.CHECKPOINT)), "checkpoint");
    assertEquals(6, s.step());
    for (int r = 0; r < 3; r++) s.round();
    assertSame((float[][]) simulate(sim("topk:ratio=0.1", 3, 7), 5)[0], weights(s), "the simulator resumed from spark-train's checkpoint");
  }

  @Test
  void aCheckpointOfAnotherRunIsRefusedNamingTheField(@TempDir Path dir) throws Exception {
    LocalSgd.run(config("dense", 1, dir, false), new InProcessRounds(), null);
    BadInputException e = assertThrows(BadInputException.class, () -> LocalSgd.run(config("topk:ratio=0.1", 2, dir, true), new InProcessRounds(), null));
    assertTrue(e.getMessage().contains("localsgd.config"), e.getMessage());
  }

  @Test
  void synchronousSgdAndTwoExchangeCompressorsAreRefused() {
    assertEquals("local steps (1) must be >= 2: synchronous SGD on Spark is distributed --engine spark",
        assertThrows(IllegalArgumentException.class, () -> new LocalSgd.Config(TRAIN, TEST, sim("dense", 1, 7), 1, 0, null, false)).getMessage());
    assertEquals("compressor (powersgd:rank=2) takes 2 exchanges per step, a Spark job each: not in spark-train (distributed --engine spark runs it)",
        assertThrows(IllegalArgumentException.class, () -> new LocalSgd.Config(TRAIN, TEST, sim("powersgd:rank=2", 3, 7), 1, 0, null, false))
            .getMessage());
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
}
