package dev.fivefold.perception;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.autodiff.Tape;
import dev.fivefold.data.TextCorpus;
import dev.fivefold.optim.Optimizers;
import dev.fivefold.train.RecurrentLanguageModelTask;
import dev.fivefold.train.TrainConfig;
import dev.fivefold.train.Trainer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The lstm:/gru: specs, the carried state of truncated BPTT, its checkpoint state, and that it learns. */
class RecurrentLmTest {
  private static TextCorpus text(int n) {
    StringBuilder sb = new StringBuilder();
    String[] words = {"in ", "the ", "beginning ", "was ", "word "};
    for (int i = 0; sb.length() < n; i++) sb.append(words[(i * i + i / 3) % words.length]);
    return TextCorpus.of("words", sb.substring(0, n).getBytes(StandardCharsets.UTF_8), TextCorpus.VocabKind.COMPACT, 0.1);
  }

  @Test
  void specsRoundTripAndCountTheirParameters() {
    for (String s : new String[] {"lstm:vocab=70", "gru:vocab=70,context=32,layers=3,width=24", "lstm:vocab=5,layers=1,width=7"}) {
      ModelSpec spec = Models.parse(s);
      assertEquals(spec, Models.parse(spec.toString()));
      assertEquals(spec.parameters(), spec.build(0).parameterCount(), s);
    }
    assertEquals("lstm:vocab=70,context=128,layers=2,width=256", Models.parse("lstm:vocab=70").toString());
    assertEquals("lstm:vocab=70,context=128,layers=2,width=256", Models.specOf(Models.create("lstm:vocab=70", 1)));
  }

  @Test
  void badSpecsAreOneLineErrors() {
    assertEquals("width (0) must be >= 1", assertThrows(IllegalArgumentException.class, () -> Models.parse("lstm:vocab=70,width=0")).getMessage());
    assertEquals("layers (-2) must be >= 1", assertThrows(IllegalArgumentException.class, () -> Models.parse("gru:vocab=70,layers=-2")).getMessage());
    assertEquals("model spec (lstm:vocab=70,heads=2): lstm key (heads) must be one of vocab, context, layers, width",
        assertThrows(IllegalArgumentException.class, () -> Models.parse("lstm:vocab=70,heads=2")).getMessage());
    assertEquals("model spec (gru:layers=1) needs vocab=N", assertThrows(IllegalArgumentException.class, () -> Models.parse("gru:layers=1")).getMessage());
  }

  /** Two chunks with the state carried give the logits of one forward over both. */
  @Test
  void carriedStateContinuesTheSequence() {
    for (String cell : new String[] {"lstm", "gru"}) {
      RecurrentLm m = new RecurrentLm(new RecurrentLm.Spec(cell, 11, 8, 2, 12), 3);
      int b = 3, t = 8;
      int[] all = new int[b * 2 * t], first = new int[b * t], second = new int[b * t];
      for (int i = 0; i < all.length; i++) all[i] = (i * 7 + i / 5) % 11;
      for (int r = 0; r < b; r++) {
        System.arraycopy(all, r * 2 * t, first, r * t, t);
        System.arraycopy(all, r * 2 * t + t, second, r * t, t);
      }
      float[] whole = m.forward(Tape.inference(), all, b, 2 * t).data();
      RecurrentLm.Carry c = m.carry(b);
      m.forward(Tape.inference(), first, b, t, c);
      float[] two = m.forward(Tape.inference(), second, b, t, c).data();
      for (int r = 0; r < b; r++) {
        for (int i = 0; i < t * 11; i++) {
          float want = whole[(r * 2 * t + t) * 11 + i], got = two[r * t * 11 + i];
          assertEquals(want, got, 1e-5f * Math.max(1, Math.abs(want)), cell + " row " + r + " element " + i);
        }
      }
    }
  }

  /** A task restored from saveState() continues the stream and the carried state bit for bit. */
  @Test
  void taskStateResumesBitForBit() {
    TextCorpus corpus = text(6000);
    RecurrentLm m = new RecurrentLm(new RecurrentLm.Spec("lstm", corpus.vocabSize(), 16, 2, 16), 5);
    RecurrentLanguageModelTask a = new RecurrentLanguageModelTask(m, corpus, 4, 16, 0);
    float[] losses = new float[4];
    for (int i = 0; i < 4; i++) losses[i] = a.trainLoss(Tape.training()).item();
    RecurrentLanguageModelTask b = new RecurrentLanguageModelTask(m, corpus, 4, 16, 0);
    b.trainLoss(Tape.training());
    b.trainLoss(Tape.training());
    Map<String, String> st = b.saveState();
    RecurrentLanguageModelTask c = new RecurrentLanguageModelTask(m, corpus, 4, 16, 0);
    c.loadState(st, "test");
    assertEquals(Float.floatToIntBits(losses[2]), Float.floatToIntBits(c.trainLoss(Tape.training()).item()));
    assertEquals(Float.floatToIntBits(losses[3]), Float.floatToIntBits(c.trainLoss(Tape.training()).item()));
    assertThrows(dev.fivefold.io.BadInputException.class, () -> new RecurrentLanguageModelTask(m, corpus, 3, 16, 0).loadState(st, "ckpt"));
  }

  /** Truncated BPTT learns: a small LSTM's held-out bits per character fall well below the uniform code. */
  @Test
  void learnsText() {
    TextCorpus corpus = text(20000);
    RecurrentLm m = new RecurrentLm(new RecurrentLm.Spec("lstm", corpus.vocabSize(), 32, 1, 32), 1);
    RecurrentLanguageModelTask task = new RecurrentLanguageModelTask(m, corpus, 8, 32, 0);
    double before = task.evaluate().get("bpc");
    new Trainer(task, Optimizers.byName("adam", m.parameters(), 1e-2), new TrainConfig(1, 150, 0, 0)).fit();
    double after = task.evaluate().get("bpc");
    assertTrue(after < 0.6 * before, "bpc " + before + " -> " + after);
  }
}
