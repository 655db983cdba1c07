package dev.fivefold.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.data.Dataset;
import dev.fivefold.train.Checkpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.Success$;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real standalone cluster on localhost (a Master, two Worker JVMs, their executor JVMs) started
 * and stopped by the test: the same weights as the in-process loop (and so as local[2]); a Worker
 * killed in the middle of a round costs a task re-run, not the model.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterTest {
  static final Dataset TRAIN = Blobs.of(800, 1), TEST = Blobs.of(400, 2);
  static LocalStandalone cluster;
  static SparkRounds spark;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Path.of("target", "standalone-test");
    cluster = LocalStandalone.start(dir, 2, 1, "1g", 180);
    spark = SparkRounds.open(new SparkOptions(cluster.masterUrl(), 10, 180, "512m", Map.of()), 2);
  }

  @AfterAll
  static void stop() {
    if (spark != null) spark.close();
    if (cluster != null) cluster.close();
  }

  @Test
  @Order(1)
  void aStandaloneClusterGivesTheInProcessWeightsBitForBit() throws Exception {
    LocalSgd.Config c = new LocalSgd.Config(TRAIN, TEST, LocalSgdTest.sim("topk:ratio=0.1", 5, 7), 4, 0, null, false);
    LocalSgd.Result ref = LocalSgd.run(c, new InProcessRounds(), null);
    LocalSgd.Result got = LocalSgd.run(c, spark, null);
    assertEquals(2, SparkContexts.executors(spark.context()));
    LocalSgdTest.assertSame(ref.weights(), got.weights(), "standalone");
    assertEquals(ref.testAccuracy(), got.testAccuracy(), 0.0);
  }

  @Test
  @Order(0) // before the kill below leaves one executor: a barrier stage needs both slots at once
  void aBarrierStageOnTheClusterGivesTheSimulatorsWeightsBitForBit() {
    for (String compressor : new String[] {"dense", "dgc:ratio=0.05,momentum=0.9,correction=on,clip=1,masking=on,warmup=4"}) {
      dev.fivefold.dist.DistributedExperiment.Config c = BarrierSgdTest.config(compressor, 1, 10);
      float[][] ref = (float[][]) BarrierSgdTest.simulate(c)[0];
      BarrierSgd.Result got = BarrierSgd.run(spark.context(), c, TRAIN, TEST, null, null);
      for (int i = 0; i < ref.length; i++) assertArrayEquals(ref[i], got.weights()[i], compressor + ": tensor " + i);
    }
  }

  @Test
  @Order(2)
  void killingAWorkerMidRoundCostsATaskRerunNotTheModel() throws Exception {
    // rounds long enough (1000 local steps, a few hundred ms per task on a quiet machine) for the kill to land inside one
    dev.fivefold.dist.Simulator.Config sim = new dev.fivefold.dist.Simulator.Config("mlp:32-128-128-4", 2, 32, 1, "dense", 1000, 0.05, 0.9, 11, null);
    Path run = Path.of("target", "standalone-test", "fault-run");
    LocalSgd.Config c = new LocalSgd.Config(TRAIN, TEST, sim, 4, 0, run, false);
    float[][] ref = LocalSgd.run(c, new InProcessRounds(), null).weights();

    AtomicBoolean killed = new AtomicBoolean();
    AtomicInteger started = new AtomicInteger(), failed = new AtomicInteger(), stage = new AtomicInteger(-1);
    spark.context().sc().addSparkListener(new SparkListener() {
      @Override
      public void onStageSubmitted(SparkListenerStageSubmitted s) {
        java.util.Properties p = s.properties();
        if (p != null && "fivefold local SGD round 2".equals(p.getProperty("spark.job.description"))) stage.set(s.stageInfo().stageId());
      }

      @Override
      public void onTaskStart(SparkListenerTaskStart t) {
        if (t.stageId() == stage.get() && started.incrementAndGet() == 2) { // both tasks of round 2 are running
          cluster.killWorker(1); // at once: each task then has most of its local steps still to run
          killed.set(true);
        }
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd t) {
        if (!(t.reason() instanceof Success$)) failed.incrementAndGet();
      }
    });
    LocalSgd.Result got = LocalSgd.run(c, spark, null);
    for (int i = 0; i < 100 && failed.get() == 0; i++) Thread.sleep(100); // the listener bus is asynchronous
    assertTrue(killed.get(), "the worker was killed");
    assertTrue(failed.get() >= 1, "a task was lost and re-run: " + failed.get());
    LocalSgdTest.assertSame(ref, got.weights(), "after the kill");
    var ckpt = Checkpoint.read(run.resolve(LocalSgd.CHECKPOINT));
    assertEquals("4", ckpt.meta().get("dist.rounds"));
    assertEquals(4 * 1000, ckpt.step()); // optimizer steps, as the simulator counts them
    assertTrue(Files.readAllLines(run.resolve("rounds.csv")).size() == 5);
  }
}
