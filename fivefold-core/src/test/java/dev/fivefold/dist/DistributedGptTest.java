package dev.fivefold.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.nn.Parameter;
import dev.fivefold.perception.Gpt;
import dev.fivefold.tensor.kernel.Parallel;
import dev.fivefold.train.TrainState;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GPT on a text with N simulated workers: dense all-reduce is one large batch, thread-independent, resumable, scored in bits per character. */
class DistributedGptTest {
  static final TextCorpus CORPUS = TextCorpus.of("tiny",
      ("In the beginning God created the heaven and the earth. And the earth was without form, and void; and darkness was upon the face "
          + "of the deep. And the Spirit of God moved upon the face of the waters. And God said, Let there be light: and there was light. ").repeat(6)
          .getBytes(StandardCharsets.US_ASCII), TextCorpus.VocabKind.COMPACT, 0.1);
  static final int CONTEXT = 16;
  static final String MODEL = "gpt:vocab=" + CORPUS.vocabSize() + ",context=" + CONTEXT + ",layers=1,heads=2,width=16";
  static final TrainingData.Text TEXT = new TrainingData.Text(CORPUS, CONTEXT);

  static Simulator.Config config(int workers, int batch, String compressor, double momentum) {
    return new Simulator.Config(MODEL, workers, batch, 1, compressor, 1, 0.1, momentum, 42, Network.defaults());
  }

  static float[][] weights(Simulator s) {
    return s.model().parameters().stream().map(p -> p.value().data().clone()).toArray(float[][]::new);
  }

  @Test
  void denseAllReduceOfTwoWorkersIsOneBatchOfTheirWindows() {
    Simulator.Config c = config(2, 4, "dense", 0);
    Simulator sim = new Simulator(c, TEXT);
    sim.round();
    // the windows each worker drew: its shard, its seed
    int[][] shards = Shards.deal(TEXT.size(), 2, 42);
    int[] in = new int[8 * CONTEXT], tg = new int[8 * CONTEXT];
    for (int w = 0; w < 2; w++) {
      TrainingData.Windows win = TEXT.minibatches(shards[w], 4, 42, w);
      win.next();
      System.arraycopy(win.inputs(), 0, in, w * 4 * CONTEXT, 4 * CONTEXT);
      System.arraycopy(win.targets(), 0, tg, w * 4 * CONTEXT, 4 * CONTEXT);
    }
    Replica r = new Replica(MODEL, 42, 0.1, 0);
    Tape tape = Tape.training();
    Var loss = F.crossEntropy(((Gpt) r.model()).forward(tape, in, 8, CONTEXT), tg);
    tape.backward(loss);
    List<Parameter> ps = r.model().parameters();
    float[][] g = new float[ps.size()][];
    for (int i = 0; i < g.length; i++) g[i] = ps.get(i).grad().clone();
    r.model().zeroGrad();
    r.apply(g);
    float[][] expected = r.weights(), got = weights(sim);
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) assertEquals(expected[i][j], got[i][j], 1e-6, "tensor " + i + "[" + j + "]");
    }
  }

  @Test
  void theWorkersShardsOfWindowsAreDisjointAndCoverTheTrainingText() {
    int[][] shards = Shards.deal(TEXT.size(), 3, 42);
    boolean[] seen = new boolean[TEXT.size()];
    for (int[] s : shards) for (int k : s) {
      assertTrue(!seen[k], "window " + k + " twice");
      seen[k] = true;
    }
    for (boolean b : seen) assertTrue(b);
    assertTrue(TEXT.size() * CONTEXT < CORPUS.trainSize(), "every window's targets lie in the training part");
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() {
    int before = Parallel.threads();
    try {
      float[][][] out = new float[2][][];
      for (int k = 0; k < 2; k++) {
        Parallel.setThreads(k + 1);
        Simulator sim = new Simulator(config(2, 3, "dgc:ratio=0.1,momentum=0.9,clip=1,warmup=2", 0.9), TEXT);
        for (int i = 0; i < 4; i++) sim.round();
        out[k] = weights(sim);
      }
      for (int i = 0; i < out[0].length; i++) assertArrayEquals(out[0][i], out[1][i], 0f, "tensor " + i);
    } finally {
      Parallel.setThreads(before);
    }
  }

  @Test
  void aResumedRunEqualsAStraightOneBitForBit() {
    Simulator straight = new Simulator(config(2, 3, "powersgd:rank=1", 0.9), TEXT);
    for (int i = 0; i < 4; i++) straight.round();
    Simulator first = new Simulator(config(2, 3, "powersgd:rank=1", 0.9), TEXT);
    for (int i = 0; i < 2; i++) first.round();
    TrainState s = first.state();
    Simulator resumed = new Simulator(config(2, 3, "powersgd:rank=1", 0.9), TEXT);
    resumed.load(s, "test");
    for (int i = 0; i < 2; i++) resumed.round();
    float[][] a = weights(straight), b = weights(resumed);
    for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], b[i], 0f, "tensor " + i);
  }

  @Test
  void theRunIsScoredInHeldOutBitsPerCharacter() {
    DistributedExperiment.Config cfg = new DistributedExperiment.Config(config(2, 4, "dense", 0.9), 6, 3);
    DistributedExperiment.Result r = DistributedExperiment.run(cfg, new Simulator(cfg.sim(), TEXT),
        DistributedExperiment.Evaluator.bitsPerChar(CORPUS, CONTEXT, 0), null, null);
    assertEquals(2, r.evals().size());
    DistributedExperiment.Eval e = r.last();
    assertEquals(6, e.step());
    assertTrue(Double.isNaN(e.accuracy()));
    assertEquals(e.loss() / Math.log(2), e.bitsPerChar(), 1e-12);
    assertTrue(e.bitsPerChar() > 0 && e.bitsPerChar() < Math.log(CORPUS.vocabSize()) / Math.log(2) + 1, "bpc " + e.bitsPerChar());
    assertEquals(4.0 * 6 * sizeOf(cfg), r.denseBytesPerWorker(), 0.0, "6 dense float32 all-reduces");
  }

  private static long sizeOf(DistributedExperiment.Config cfg) {
    long d = 0;
    for (Parameter p : new Replica(cfg.sim().model(), 42, 0.1, 0).model().parameters()) d += p.value().size();
    return d;
  }
}
