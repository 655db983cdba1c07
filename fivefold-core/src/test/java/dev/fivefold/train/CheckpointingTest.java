package dev.fivefold.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.control.ReduceOnPlateau;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** requestStop ends fit() after the step under way; Checkpointing writes every N steps and at the end; the stopped run resumes exactly. */
class CheckpointingTest {
  @TempDir
  Path tmp;

  static Trainer trainer() {
    return ResumeTest.make("adam", 1e-2, 60, t -> t.controller(new ReduceOnPlateau(1e-2, 0, 8, 0.5, 1e-3, 4, 1e-5)));
  }

  @Test
  void stopWritesTheCheckpointAndTheRunResumesExactly() throws Exception {
    Trainer whole = trainer();
    whole.fit();
    assertFalse(whole.stopped());

    Path file = tmp.resolve("ck.safetensors");
    Trainer first = trainer();
    List<Long> seenInFile = new ArrayList<>();
    List<Long> evals = new ArrayList<>();
    first.observe(new TrainObserver() {
      @Override
      public void onStep(Step s) {
        try {
          if (s.step() == 21) seenInFile.add(Checkpoint.read(file).step()); // written at step 20
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        if (s.step() == 25) first.requestStop();
      }

      @Override
      public void onEval(Eval e) {
        evals.add(e.step());
      }
    });
    first.observe(new Checkpointing(first, file, Map.of("note", "test"), 10));
    first.fit();
    assertTrue(first.stopped(), "fit ended on the request");
    assertEquals(25, first.step());
    assertEquals(List.of(20L), seenInFile, "the periodic checkpoint");
    assertEquals(List.of(16L), evals, "no evaluation after the stop request (epochs of 16 steps)");
    TrainState saved = Checkpoint.read(file);
    assertEquals(25, saved.step());
    assertEquals("test", saved.meta().get("note"));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of(file), s.toList(), "only the checkpoint, no temporary file");
    }

    Trainer resumed = trainer();
    Checkpoint.restore(file, resumed);
    resumed.fit();
    assertFalse(resumed.stopped());
    assertEquals(whole.lastEval(), resumed.lastEval());
    ResumeTest.assertSameState(whole.state(), resumed.state(), "stopped at 25 and resumed");
  }

  @Test
  void aStopFromAnotherThreadEndsTheRunBetweenSteps() throws Exception {
    Trainer t = ResumeTest.make("adam", 1e-2, 1_000_000, x -> x);
    Path file = tmp.resolve("ck2.safetensors");
    t.observe(new Checkpointing(t, file, Map.of(), 0));
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    t.observe(new TrainObserver() {
      @Override
      public void onStep(Step s) {
        started.countDown();
      }
    });
    Thread stopper = new Thread(() -> {
      try {
        started.await();
      } catch (InterruptedException e) {
        return;
      }
      t.requestStop();
    });
    stopper.start();
    t.fit();
    stopper.join();
    assertTrue(t.stopped() && t.step() > 0 && t.step() < 1_000_000, "stopped at step " + t.step());
    assertEquals(t.step(), Checkpoint.read(file).step(), "the final checkpoint is of the last step");
    Supplier<Trainer> fresh = () -> ResumeTest.make("adam", 1e-2, 1_000_000, x -> x);
    Trainer r = fresh.get();
    Checkpoint.restore(file, r);
    ResumeTest.assertSameState(t.state(), r.state(), "restored from the stop's checkpoint");
  }
}
