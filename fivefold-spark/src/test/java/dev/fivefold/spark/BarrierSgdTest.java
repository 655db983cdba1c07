package dev.fivefold.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Dataset;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.dist.DistributedExperiment;
import dev.fivefold.dist.Network;
import dev.fivefold.dist.Simulator;
import dev.fivefold.dist.TrainingData;
import dev.fivefold.nn.Parameter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-step SGD in a Spark barrier stage (TCP ring) against the in-process simulator, bit for bit, for every kind of exchange. */
class BarrierSgdTest {
  static final Dataset TRAIN = Blobs.of(800, 1), TEST = Blobs.of(400, 2);
  static JavaSparkContext sc;

  @BeforeAll
  static void start() {
    sc = SparkContexts.open(SparkOptions.of("local[2]"), 2);
  }

  @AfterAll
  static void stop() {
    if (sc != null) sc.stop();
  }

  static DistributedExperiment.Config config(String compressor, int localSteps, long steps) {
    return new DistributedExperiment.Config(new Simulator.Config(Blobs.model(), 2, 16, 1, compressor, localSteps, 0.1, 0.9, 7, Network.defaults()), steps, 0);
  }

  /** The simulator's final weights and result. */
  static Object[] simulate(DistributedExperiment.Config c) {
    Simulator sim = new Simulator(c.sim(), TRAIN);
    DistributedExperiment.Result r = DistributedExperiment.run(c, sim, TEST, null, null);
    List<Parameter> ps = sim.model().parameters();
    float[][] w = new float[ps.size()][];
    for (int i = 0; i < w.length; i++) w[i] = ps.get(i).value().data().clone();
    return new Object[] {w, r};
  }

  static void sameAsTheSimulator(String compressor, int localSteps, long steps) {
    sameAsTheSimulator(config(compressor, localSteps, steps));
  }

  static void sameAsTheSimulator(DistributedExperiment.Config c) {
    String compressor = c.sim().compressor();
    Object[] ref = simulate(c);
    float[][] w = (float[][]) ref[0];
    DistributedExperiment.Result sim = (DistributedExperiment.Result) ref[1];
    BarrierSgd.Result got = BarrierSgd.run(sc, c, TRAIN, TEST, null, null);
    assertEquals(w.length, got.weights().length);
    for (int i = 0; i < w.length; i++) assertArrayEquals(w[i], got.weights()[i], compressor + ": tensor " + i);
    assertEquals(sim.last().accuracy(), got.result().last().accuracy(), 0.0, compressor);
    assertEquals(sim.bytesPerWorker(), got.result().bytesPerWorker(), 0.0, compressor + ": payload bytes");
    assertEquals(sim.denseBytesPerWorker(), got.result().denseBytesPerWorker(), 0.0);
    assertEquals(sim.rounds().size(), got.result().rounds().size());
    for (int k = 0; k < sim.rounds().size(); k++) assertEquals(sim.rounds().get(k).loss(), got.result().rounds().get(k).loss(), 1e-12, "loss of round " + k);
    assertTrue(got.wireBytesPerWorker() >= got.result().bytesPerWorker(), "the ring carries at least the payloads");
  }

  @Test
  void denseAllReduceEqualsTheSimulatorBitForBit() {
    sameAsTheSimulator("dense", 1, 12);
  }

  @Test
  void oneBitAllGatherEqualsTheSimulatorBitForBit() {
    sameAsTheSimulator("onebit:scaling=tensor", 1, 12);
  }

  @Test
  void dgcEqualsTheSimulatorBitForBit() {
    sameAsTheSimulator("dgc:ratio=0.05,momentum=0.9,correction=on,clip=1,masking=on,warmup=4", 1, 12);
  }

  @Test
  void sharedSupportTopKEqualsTheSimulatorBitForBit() {
    sameAsTheSimulator("sharedk:ratio=0.05,momentum=0.9,clip=1,values=fp16,selection=global", 1, 12);
  }

  /** A residual of rate-weighted steps under the cosine rate: the tasks weight by their replica's step as the simulator does. */
  @Test
  void dgcWithAStepResidualEqualsTheSimulatorBitForBit() {
    Simulator.Config s = config("dgc:ratio=0.05,momentum=0.9,clip=1,masking=off,selection=global,residual=step", 1, 12).sim();
    sameAsTheSimulator(new DistributedExperiment.Config(new Simulator.Config(s.model(), s.workers(), s.batch(), s.accumulation(), s.compressor(),
        s.localSteps(), s.lr(), s.momentum(), s.seed(), s.network(), "cosine", 12), 12, 0));
  }

  /** Nesterov momentum, in DGC's correction and in the optimizer (dense): the tasks' jobs carry it to their replicas. */
  @Test
  void nesterovEqualsTheSimulatorBitForBit() {
    for (String compressor : new String[] {"dgc:ratio=0.05,momentum=0.9,clip=1,masking=off,selection=global,residual=step,nesterov=on", "dense"}) {
      Simulator.Config s = config(compressor, 1, 12).sim();
      sameAsTheSimulator(new DistributedExperiment.Config(new Simulator.Config(s.model(), s.workers(), s.batch(), s.accumulation(), s.compressor(),
          s.localSteps(), s.lr(), s.momentum(), s.seed(), s.network(), "cosine", 12, true), 12, 0));
    }
  }

  @Test
  void powerSgdTwoRoundsEqualTheSimulatorBitForBit() {
    sameAsTheSimulator("powersgd:rank=2", 1, 12);
  }

  @Test
  void localSgdRoundsEqualTheSimulatorBitForBit() {
    sameAsTheSimulator("dense", 4, 12);
    sameAsTheSimulator("topk:ratio=0.1", 3, 9);
  }

  /** The GPT on a text: the tasks rebuild the corpus from one broadcast and deal the simulator's windows; same weights, losses and bits per character. */
  @Test
  void gptOnATextEqualsTheSimulatorBitForBit() {
    TextCorpus corpus = TextCorpus.of("tiny", ("In the beginning God created the heaven and the earth. And the earth was without form, and void; "
        + "and darkness was upon the face of the deep. ").repeat(8).getBytes(StandardCharsets.US_ASCII), TextCorpus.VocabKind.COMPACT, 0.1);
    int context = 16;
    String model = "gpt:vocab=" + corpus.vocabSize() + ",context=" + context + ",layers=1,heads=2,width=16";
    TrainingData.Text text = new TrainingData.Text(corpus, context);
    DistributedExperiment.Evaluator bpc = DistributedExperiment.Evaluator.bitsPerChar(corpus, context, 0);
    for (String compressor : new String[] {"dense", "powersgd:rank=2", "dgc:ratio=0.05,momentum=0.9,correction=on,clip=1,masking=on,warmup=2"}) {
      DistributedExperiment.Config c = new DistributedExperiment.Config(
          new Simulator.Config(model, 2, 4, 1, compressor, 1, 0.1, 0.9, 11, Network.defaults()), 8, 0);
      Simulator sim = new Simulator(c.sim(), text);
      DistributedExperiment.Result ref = DistributedExperiment.run(c, sim, bpc, null, null);
      BarrierSgd.Result got = BarrierSgd.run(sc, c, text, bpc, null, null);
      List<Parameter> ps = sim.model().parameters();
      assertEquals(ps.size(), got.weights().length);
      for (int i = 0; i < ps.size(); i++) assertArrayEquals(ps.get(i).value().data(), got.weights()[i], compressor + ": tensor " + i);
      assertEquals(ref.last().loss(), got.result().last().loss(), 0.0, compressor + ": held-out loss");
      assertEquals(ref.bytesPerWorker(), got.result().bytesPerWorker(), 0.0, compressor + ": payload bytes");
      for (int k = 0; k < ref.rounds().size(); k++) assertEquals(ref.rounds().get(k).loss(), got.result().rounds().get(k).loss(), 1e-12, "loss of round " + k);
    }
  }

  @Test
  void moreWorkersThanSlotsIsRefusedBeforeAnythingRuns() {
    assertThrows(dev.fivefold.io.BadInputException.class, () -> SparkContexts.open(SparkOptions.of("local[2]"), 3));
  }
}
