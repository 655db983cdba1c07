package dev.fivefold.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Batches;
import dev.fivefold.data.Dataset;
import dev.fivefold.io.BadInputException;
import dev.fivefold.nn.Parameter;
import dev.fivefold.tensor.Rng;
import dev.fivefold.tensor.Tensor;
import dev.fivefold.tensor.kernel.Parallel;
import dev.fivefold.train.Checkpoint;
import dev.fivefold.train.TrainState;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorTest {
  static final String MODEL = "mlp:16-12-4";

  /** 400 Gaussian samples of 16 features, labelled by a fixed random linear map. */
  static Dataset data(long seed) {
    Rng rng = new Rng(seed);
    int n = 400, d = 16, c = 4;
    float[] x = new float[n * d], w = new float[c * d];
    for (int i = 0; i < w.length; i++) w[i] = (float) rng.nextGaussian();
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < d; j++) x[i * d + j] = (float) rng.nextGaussian();
      double best = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < c; k++) {
        double s = 0;
        for (int j = 0; j < d; j++) s += w[k * d + j] * x[i * d + j];
        if (s > best) {
          best = s;
          y[i] = k;
        }
      }
    }
    return new Dataset(Tensor.of(x, n, d), y, c);
  }

  static Simulator.Config config(int workers, int batch, int accumulation, String compressor, int h, double momentum) {
    return new Simulator.Config(MODEL, workers, batch, accumulation, compressor, h, 0.1, momentum, 42, Network.defaults());
  }

  /** {@code c} with the cosine schedule over {@code steps} steps. */
  static Simulator.Config cosine(Simulator.Config c, long steps) {
    return new Simulator.Config(c.model(), c.workers(), c.batch(), c.accumulation(), c.compressor(), c.localSteps(), c.lr(), c.momentum(), c.seed(),
        c.network(), "cosine", steps);
  }

  /** {@code c} with Nesterov momentum. */
  static Simulator.Config nesterov(Simulator.Config c) {
    return new Simulator.Config(c.model(), c.workers(), c.batch(), c.accumulation(), c.compressor(), c.localSteps(), c.lr(), c.momentum(), c.seed(),
        c.network(), c.schedule(), c.plannedSteps(), true);
  }

  static float[][] weights(Simulator s) {
    return s.model().parameters().stream().map(p -> p.value().data().clone()).toArray(float[][]::new);
  }

  /** The samples worker w's first {@code k} batches hold, in order. */
  static Dataset firstBatches(Dataset train, Simulator.Config c, int w, int k) {
    int[] shard = Shards.deal(train.size(), c.workers(), c.seed())[w];
    Batches b = new Batches(train.subset(shard), c.batch(), true, new Rng(Worker.batchSeed(c.seed(), w)));
    Dataset out = null;
    for (int i = 0; i < k; i++) {
      Batches.Batch x = b.next();
      Dataset d = new Dataset(x.x().copy(), x.y().clone(), train.classes());
      out = out == null ? d : concat(out, d);
    }
    return out;
  }

  static Dataset concat(Dataset a, Dataset b) {
    float[] x = Arrays.copyOf(a.x().data(), a.x().size() + b.x().size());
    System.arraycopy(b.x().data(), 0, x, a.x().size(), b.x().size());
    int[] y = Arrays.copyOf(a.y(), a.size() + b.size());
    System.arraycopy(b.y(), 0, y, a.size(), b.size());
    return new Dataset(Tensor.of(x, a.size() + b.size(), a.features()), y, a.classes());
  }

  /** One plain SGD step of a fresh replica on one big batch. */
  static float[][] bigBatchStep(Dataset big, double lr) {
    Replica r = new Replica(MODEL, 42, lr, 0);
    Tape tape = Tape.training();
    Var loss = F.crossEntropy(r.model().forward(tape.input(big.x())), big.y());
    tape.backward(loss);
    List<Parameter> ps = r.model().parameters();
    float[][] g = new float[ps.size()][];
    for (int i = 0; i < g.length; i++) g[i] = ps.get(i).grad().clone();
    r.model().zeroGrad();
    r.apply(g);
    return r.weights();
  }

  /**
   * Not bit-for-bit: the mean of per-worker mean gradients adds the samples' contributions in
   * another order (and divides twice) than one batch's mean, so they agree to float rounding:
   * the weights after a step of lr 0.1 within 1e-6.
   */
  static void assertClose(float[][] expected, float[][] actual) {
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) assertEquals(expected[i][j], actual[i][j], 1e-6, "tensor " + i + "[" + j + "]");
    }
  }

  @Test
  void denseAllReduceOfFourWorkersIsOneBatchOfTheirSamples() {
    Dataset train = data(1);
    Simulator.Config c = config(4, 8, 1, "dense", 1, 0);
    Simulator sim = new Simulator(c, train);
    sim.round();
    Dataset big = firstBatches(train, c, 0, 1);
    for (int w = 1; w < 4; w++) big = concat(big, firstBatches(train, c, w, 1));
    assertEquals(32, big.size());
    assertClose(bigBatchStep(big, 0.1), weights(sim));
  }

  @Test
  void gradientAccumulationIsOneLargeBatch() {
    Dataset train = data(2);
    Simulator.Config c = config(2, 8, 3, "dense", 1, 0);
    Simulator sim = new Simulator(c, train);
    sim.round();
    Dataset big = concat(firstBatches(train, c, 0, 3), firstBatches(train, c, 1, 3));
    assertEquals(48, big.size());
    assertClose(bigBatchStep(big, 0.1), weights(sim));
  }

  @Test
  void oneDenseWorkerIsPlainSgdBitForBit() {
    Dataset train = data(3);
    Simulator.Config c = config(1, 10, 1, "dense", 1, 0);
    Simulator sim = new Simulator(c, train);
    sim.round();
    // one worker, one micro-batch: the gradient is copied, never summed or divided: bit-identical
    float[][] expected = bigBatchStep(firstBatches(train, c, 0, 1), 0.1);
    float[][] got = weights(sim);
    for (int i = 0; i < got.length; i++) assertArrayEquals(expected[i], got[i], 0f);
  }

  @Test
  void theCosineScheduleIsSchedulesCosineStepByStep() {
    Simulator.Config c = cosine(config(1, 10, 1, "dense", 1, 0), 4);
    dev.fivefold.control.Schedule want = dev.fivefold.control.Schedules.cosine(0.1, 4, 0);
    for (long t = 0; t < 7; t++) assertEquals(want.at(t, 0), c.lrAt(t), 0.0, "step " + t);
    assertEquals(0.0, c.lrAt(4), 0.0);
    assertEquals(0.1, config(1, 10, 1, "dense", 1, 0).lrAt(1000), 0.0, "constant");
    // one dense worker, plain SGD: the simulator's four steps are a replica stepped by hand at the cosine's rates, bit for bit
    Dataset train = data(8);
    Simulator sim = new Simulator(c, train);
    for (int i = 0; i < 4; i++) sim.round();
    Dataset batches = firstBatches(train, c, 0, 4);
    Replica r = new Replica(MODEL, 42, 1, 0);
    for (int t = 0; t < 4; t++) {
      int[] rows = new int[10];
      for (int i = 0; i < 10; i++) rows[i] = t * 10 + i;
      Dataset b = batches.subset(rows);
      Tape tape = Tape.training();
      tape.backward(F.crossEntropy(r.model().forward(tape.input(b.x())), b.y()));
      List<Parameter> ps = r.model().parameters();
      float[][] g = new float[ps.size()][];
      for (int i = 0; i < g.length; i++) g[i] = ps.get(i).grad().clone();
      r.model().zeroGrad();
      r.optimizer().learningRate().set(want.at(t, 0));
      r.apply(g);
    }
    float[][] expected = r.weights(), got = weights(sim);
    for (int i = 0; i < got.length; i++) assertArrayEquals(expected[i], got[i], 0f);
    float[][] constant = weights(new Simulator(config(1, 10, 1, "dense", 1, 0), train));
    assertTrue(!Arrays.equals(constant[0], got[0]), "the schedule changes the run");
    assertThrows(IllegalArgumentException.class, () -> new Simulator.Config(MODEL, 1, 1, 1, "dense", 1, 0.1, 0, 1, null, "cosine", 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Simulator.Config(MODEL, 1, 1, 1, "dense", 1, 0.1, 0, 1, null, "linear", 10));
    assertEquals("schedule (linear) must be one of constant, cosine", e.getMessage());
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() {
    Dataset train = data(4);
    int before = Parallel.threads();
    try {
      float[][][] out = new float[2][][];
      for (int k = 0; k < 2; k++) {
        Parallel.setThreads(k + 1);
        Simulator sim = new Simulator(config(3, 8, 1, "dgc:ratio=0.1,momentum=0.9,clip=1,warmup=4", 1, 0.9), train);
        for (int i = 0; i < 6; i++) sim.round();
        out[k] = weights(sim);
      }
      for (int i = 0; i < out[0].length; i++) assertArrayEquals(out[0][i], out[1][i], 0f);
    } finally {
      Parallel.setThreads(before);
    }
  }

  @Test
  void aResumedRunIsBitIdentical(@TempDir Path tmp) throws Exception {
    Dataset train = data(5);
    for (Simulator.Config c : List.of(config(3, 8, 2, "dgc:ratio=0.1,momentum=0.9,clip=1,warmup=4", 1, 0.9),
        config(2, 8, 1, "powersgd:rank=2", 1, 0.9), config(3, 8, 1, "onebit", 3, 0.9), config(2, 8, 1, "qsgd:levels=4", 1, 0.5),
        cosine(config(2, 8, 1, "topk:ratio=0.2", 1, 0.9), 6), cosine(config(2, 8, 1, "dense", 2, 0.9), 12),
        config(3, 8, 1, "sharedk:ratio=0.1,momentum=0.9,clip=1,values=fp16,selection=global", 1, 0.9),
        cosine(config(3, 8, 1, "dgc:ratio=0.1,momentum=0.9,clip=1,masking=off,selection=global,residual=step", 1, 0.9), 6),
        nesterov(cosine(config(3, 8, 1, "dgc:ratio=0.1,momentum=0.9,clip=1,masking=off,selection=global,residual=step,nesterov=on", 1, 0.9), 6)),
        nesterov(config(2, 8, 1, "topk:ratio=0.2", 1, 0.9)))) {
      Simulator straight = new Simulator(c, train);
      for (int i = 0; i < 6; i++) straight.round();
      Simulator first = new Simulator(c, train);
      for (int i = 0; i < 3; i++) first.round();
      Path f = tmp.resolve("ckpt.safetensors");
      Checkpoint.write(f, first.state(), Map.of());
      Simulator resumed = new Simulator(c, train);
      resumed.load(Checkpoint.read(f), f.toString());
      for (int i = 0; i < 3; i++) resumed.round();
      assertEquals(straight.step(), resumed.step());
      float[][] a = weights(straight), b = weights(resumed);
      for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], b[i], 0f, c.compressor() + " H=" + c.localSteps());
    }
  }

  @Test
  void aCheckpointOfAnotherRunIsRefused() {
    Dataset train = data(6);
    TrainState s = new Simulator(config(2, 8, 1, "topk:ratio=0.1", 1, 0.9), train).state();
    Simulator other = new Simulator(config(2, 8, 1, "dense", 1, 0.9), train);
    BadInputException e = assertThrows(BadInputException.class, () -> other.load(s, "x.safetensors"));
    assertEquals("x.safetensors: field 'dist.compressor' (topk:ratio=0.1) does not match this run's (dense)", e.getMessage());
    Simulator nest = new Simulator(nesterov(config(2, 8, 1, "topk:ratio=0.1", 1, 0.9)), train);
    assertEquals("x.safetensors: field 'dist.nesterov' (off) does not match this run's (on)",
        assertThrows(BadInputException.class, () -> nest.load(s, "x.safetensors")).getMessage());
  }

  @Test
  void localSgdAveragesTheReplicasAndCountsRounds() {
    Dataset train = data(7);
    Simulator sim = new Simulator(config(4, 8, 1, "dense", 5, 0), train);
    Simulator.Round r = sim.round();
    assertEquals(5, sim.step());
    assertEquals(1, sim.rounds());
    assertEquals(4.0 * sim.layout().total(), r.bytesPerWorker());
    assertEquals(5.0, r.ratio(), "one dense exchange every 5 steps instead of 5");
    assertTrue(r.commSeconds() > 0);
  }

  /** Rounds as a Spark job runs them: every node built afresh each round from θ and the state bytes it returned, aggregated in rank order. */
  @Test
  void nodesRebuiltEveryRoundFromTheirStateBytesAreTheSimulatorBitForBit() {
    Dataset train = data(1);
    for (String compressor : new String[] {"dense", "topk:ratio=0.2", "cosine"}) {
      Simulator.Config c = compressor.equals("cosine") ? cosine(config(3, 8, 1, "dense", 3, 0.9), 12) : config(3, 8, 1, compressor, 3, 0.9);
      Simulator sim = new Simulator(c, train);
      for (int r = 0; r < 4; r++) sim.round();
      var compressor0 = sim.compressor();
      float[][] theta = new Replica(MODEL, 42, 0.1, 0).weights();
      byte[][] states = {new byte[0], new byte[0], new byte[0]};
      TrainingData data = new TrainingData.Images(train);
      for (int r = 0; r < 4; r++) {
        List<byte[]> payloads = new java.util.ArrayList<>();
        for (int w = 0; w < 3; w++) {
          Node n = Node.of(c, data, w);
          n.setGlobal(theta);
          if (states[w].length > 0) n.loadState(states[w], "worker " + w);
          payloads.add(n.localSteps().payload());
          states[w] = n.saveState();
        }
        float[][] update = compressor0.aggregate(0, payloads, sim.layout());
        for (int i = 0; i < theta.length; i++) for (int j = 0; j < theta[i].length; j++) theta[i][j] += update[i][j];
      }
      float[][] want = weights(sim);
      for (int i = 0; i < want.length; i++) assertArrayEquals(want[i], theta[i], compressor + ": tensor " + i);
      TrainState slice = StateBytes.decode(states[1], "worker 1");
      assertEquals(Node.slice(sim.state(), 1, true).tensors().keySet(), slice.tensors().keySet(), "a node's slice has the simulator's keys");
      assertThrows(BadInputException.class, () -> StateBytes.decode(Arrays.copyOf(states[1], states[1].length - 3), "cut"));
    }
  }

  /** With the whole model as its support, shared top-k with momentum correction is momentum SGD on the mean gradient, to float rounding. */
  @Test
  void sharedTopKOfEverythingIsMomentumSgd() {
    Dataset train = data(13);
    assertSameWeights(new Simulator(config(3, 8, 1, "dense", 1, 0.9), train), new Simulator(config(3, 8, 1, "sharedk:ratio=1,momentum=0.9", 1, 0.9), train),
        5, 1e-5f, "sharedk");
  }

  /** Runs both simulators {@code rounds} rounds and compares their weights to {@code tol}. */
  static void assertSameWeights(Simulator x, Simulator y, int rounds, float tol, String what) {
    for (int i = 0; i < rounds; i++) {
      x.round();
      y.round();
    }
    float[][] a = weights(x), b = weights(y);
    for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], b[i], tol, what + ", tensor " + i);
  }

  /**
   * Top-k of everything with a residual of rate-weighted steps is plain SGD at the scheduled rate:
   * each gradient is weighted by η_t/η_0 and applied at η_0 (so a missing weight, or a replica that
   * still followed the schedule, would show); with a constant rate it is the gradient residual, bit for bit.
   */
  @Test
  void aStepResidualOfEverythingIsSgdAtTheScheduledRate() {
    Dataset train = data(14);
    assertSameWeights(new Simulator(cosine(config(3, 8, 1, "dense", 1, 0), 5), train),
        new Simulator(cosine(config(3, 8, 1, "topk:ratio=1,residual=step", 1, 0), 5), train), 4, 1e-5f, "cosine");
    assertSameWeights(new Simulator(config(3, 8, 1, "dgc:ratio=0.1,masking=off", 1, 0.9), train),
        new Simulator(config(3, 8, 1, "dgc:ratio=0.1,masking=off,residual=step", 1, 0.9), train), 4, 0f, "constant rate");
  }

  /**
   * DGC's Nesterov correction of everything (density 1, no masking) is Nesterov SGD on the mean
   * gradient, at a constant rate and under the cosine rate; heavy-ball DGC is not (so a correction
   * that ignored the flag would show). (A step residual with momentum is not an SGD at the scheduled
   * rate with either momentum: its velocity sums rate-weighted gradients.)
   */
  @Test
  void nesterovDgcOfEverythingIsNesterovSgd() {
    Dataset train = data(15);
    assertSameWeights(new Simulator(nesterov(config(3, 8, 1, "dense", 1, 0.9)), train),
        new Simulator(nesterov(config(3, 8, 1, "dgc:ratio=1,masking=off,nesterov=on", 1, 0.9)), train), 5, 1e-5f, "constant");
    assertSameWeights(new Simulator(nesterov(cosine(config(3, 8, 1, "dense", 1, 0.9), 6)), train),
        new Simulator(nesterov(cosine(config(3, 8, 1, "dgc:ratio=1,masking=off,nesterov=on", 1, 0.9), 6)), train), 5, 1e-5f, "cosine");
    Simulator heavy = new Simulator(config(3, 8, 1, "dgc:ratio=1,masking=off", 1, 0.9), train);
    Simulator nest = new Simulator(nesterov(config(3, 8, 1, "dense", 1, 0.9)), train);
    assertThrows(AssertionError.class, () -> assertSameWeights(nest, heavy, 5, 1e-4f, "heavy-ball against Nesterov"));
  }

  @Test
  void powerSgdCountsBothExchangesAgainstOneDenseStep() {
    Simulator sim = new Simulator(config(2, 8, 1, "powersgd:rank=2", 1, 0), data(10));
    Simulator.Round r = sim.round();
    // fc1 12×16: P 12·2 + Q 16·2; fc2 4×12: P 4·2 + Q 12·2; biases 12 + 4, all float32
    assertEquals(4.0 * (24 + 32 + 8 + 24 + 16), r.bytesPerWorker());
    assertEquals(4L * (12 * 16 + 12 + 4 * 12 + 4), r.denseBytes());
  }

  @Test
  void trainingWithCompressionLearns() {
    Dataset train = data(8);
    for (String comp : List.of("dense", "onebit", "signsgd", "topk:ratio=0.1", "dgc:ratio=0.05,warmup=20", "sharedk:ratio=0.05", "randomk:ratio=0.25,ef=on", "qsgd:levels=8",
        "powersgd:rank=2")) {
      DistributedExperiment.Result r = DistributedExperiment.run(new DistributedExperiment.Config(config(4, 8, 1, comp, 1, 0.9), 120, 0),
          train, train, null);
      assertTrue(r.last().accuracy() > 0.7, comp + ": accuracy " + r.last().accuracy());
      if (!comp.equals("dense")) assertTrue(r.ratio() > 1.5, comp + ": ratio " + r.ratio());
    }
  }

  @Test
  void badConfigsAreNamed() {
    assertEquals("workers (0) must be >= 1", assertThrows(IllegalArgumentException.class, () -> config(0, 8, 1, "dense", 1, 0)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> config(2, 8, 1, "dgc:ratio=0.01", 4, 0)).getMessage()
        .startsWith("compressor (dgc:ratio=0.01) corrects momentum"));
    assertEquals("compressor (topk:ratio=0.1,residual=step) keeps a residual of rate-weighted steps, which local SGD (localSteps 4) does not use: "
        + "use residual=grad", assertThrows(IllegalArgumentException.class, () -> config(2, 8, 1, "topk:ratio=0.1,residual=step", 4, 0)).getMessage());
    assertEquals("compressor (randomk:ratio=-1): ratio (-1.0) must be in (0, 1]",
        assertThrows(IllegalArgumentException.class, () -> config(2, 8, 1, "randomk:ratio=-1", 1, 0)).getMessage());
    assertEquals("rank (5) is larger than layer fc2.weight (4 × 12): at most 4",
        assertThrows(IllegalArgumentException.class, () -> new Simulator(config(2, 8, 1, "powersgd:rank=5", 1, 0), data(9))).getMessage());
    assertEquals("compressor (onebit:momentum=0.9) carries heavy-ball momentum, not the Nesterov momentum of this run: use dgc with nesterov=on",
        assertThrows(IllegalArgumentException.class, () -> nesterov(config(2, 8, 1, "onebit:momentum=0.9", 1, 0.9))).getMessage());
    assertEquals("nesterov needs momentum > 0 (momentum = 0)",
        assertThrows(IllegalArgumentException.class, () -> nesterov(config(2, 8, 1, "dense", 1, 0))).getMessage());
    assertEquals("samples (3) must be >= workers (4)", assertThrows(IllegalArgumentException.class, () -> Shards.deal(3, 4, 1)).getMessage());
  }

  @Test
  void shardsAreDisjointAndCover() {
    int[][] s = Shards.deal(103, 4, 9);
    boolean[] seen = new boolean[103];
    for (int[] shard : s) {
      assertTrue(shard.length == 25 || shard.length == 26);
      for (int i : shard) {
        assertTrue(!seen[i]);
        seen[i] = true;
      }
    }
    for (boolean b : seen) assertTrue(b);
  }

  @Test
  void networkCosts() {
    Network n = new Network(1e-3, 1e6);
    assertEquals(2 * 3 * 1e-3 + 2 * 0.75 * 1.0, n.allReduce(1e6, 4), 1e-12);
    assertEquals(3 * 1e-3 + 3 * 1.0, n.allGather(1e6, 4), 1e-12);
    assertEquals(0, n.allReduce(1e6, 1));
  }
}
