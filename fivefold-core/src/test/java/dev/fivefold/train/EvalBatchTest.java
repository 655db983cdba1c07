package dev.fivefold.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fivefold.perception.Model;
import dev.fivefold.perception.Models;
import org.junit.jupiter.api.Test;

/**
 * The evaluation batch keeps a batch's activations (by the model's own estimate) within
 * 2^27 floats (512 MB): 1000 images for the small models, fewer for the ViT and the ResNet.
 */
class EvalBatchTest {
  @Test
  void evaluationBatchesStayWithinTheBudget() {
    assertEquals(1000, BatchedTask.evalBatch(Models.create("mlp", 1)));
    assertEquals(1000, BatchedTask.evalBatch(Models.create("lenet5", 1)));
    for (String spec : new String[] {"vit", "resnet", "resnet:width=64,blocks=2,stages=3"}) {
      var m = Models.create(spec, 1);
      int b = BatchedTask.evalBatch(m);
      long per = ((Model) m).spec().activationsPerSample();
      assertTrue(b >= 1 && b < 1000, spec + ": " + b);
      assertTrue((long) b * per <= 1L << 27, spec + ": " + b + " × " + per + " floats over budget");
      assertTrue((long) (b + 1) * per > 1L << 27, spec + ": " + b + " is not the largest batch within budget");
    }
    assertEquals(404, BatchedTask.evalBatch(Models.create("vit", 1)));
    assertEquals(113, BatchedTask.evalBatch(Models.create("resnet", 1)));
  }
}
