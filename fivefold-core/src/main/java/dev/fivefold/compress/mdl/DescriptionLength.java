package dev.fivefold.compress.mdl;

import dev.fivefold.autodiff.F;
import dev.fivefold.autodiff.Tape;
import dev.fivefold.autodiff.Var;
import dev.fivefold.data.Dataset;
import dev.fivefold.nn.Module;
import dev.fivefold.tensor.Shape;
import dev.fivefold.tensor.Tensor;

/**
 * The two-part code length of a labelled set under a compressed model (Rissanen's MDL; Hinton &amp;
 * van Camp 1993 for networks): first the model, then the labels given the model,
 * <pre>
 *   L = L(model) + L(data | model),   L(model) = 8 × archive bytes,   L(data | model) = Σ_n −log₂ p(y_n | x_n)
 * </pre>
 * with p the decoded model's softmax. The images are taken as known to both sides (only the labels
 * are sent), so a model that is smaller and a model that predicts better both shorten the code. Bits;
 * the data part is summed in double precision from each sample's log-softmax.
 *
 * @param modelBits 8 × the archive's bytes
 * @param dataBits Σ −log₂ p(y|x) over the set
 * @param samples the set's size
 */
public record DescriptionLength(long modelBits, double dataBits, int samples) {
  /**
   * Checks that the parts are non-negative.
   *
   * @throws IllegalArgumentException if {@code modelBits} or {@code samples} is negative, or {@code dataBits}
   *     is negative or NaN
   */
  public DescriptionLength {
    if (modelBits < 0) throw new IllegalArgumentException("modelBits (" + modelBits + ") must be >= 0");
    if (!(dataBits >= 0)) throw new IllegalArgumentException("dataBits (" + dataBits + ") must be >= 0");
    if (samples < 0) throw new IllegalArgumentException("samples (" + samples + ") must be >= 0");
  }

  /**
   * model + data bits.
   *
   * @return L in bits
   */
  public double totalBits() {
    return modelBits + dataBits;
  }

  /**
   * The code of {@code data}'s labels under {@code model} (eval mode, restored after) for an archive of {@code archiveBytes}.
   *
   * @param archiveBytes the compressed model's size in bytes, &ge; 0
   * @param model the decoded model
   * @param data the labelled set
   * @return the two-part code length
   * @throws IllegalArgumentException if {@code archiveBytes} is negative
   */
  public static DescriptionLength of(long archiveBytes, Module model, Dataset data) {
    if (archiveBytes < 0) throw new IllegalArgumentException("archiveBytes (" + archiveBytes + ") must be >= 0");
    return new DescriptionLength(8 * archiveBytes, dataBits(model, data, 1000), data.size());
  }

  /**
   * Σ −log₂ p(y|x) over {@code data}, in batches of {@code batch}.
   *
   * @param model the model, put in eval mode and restored after
   * @param data the labelled set
   * @param batch the batch size, &ge; 1
   * @return the data part in bits
   * @throws IllegalArgumentException if {@code batch} &lt; 1
   */
  public static double dataBits(Module model, Dataset data, int batch) {
    if (batch < 1) throw new IllegalArgumentException("batch (" + batch + ") must be >= 1");
    boolean wasTraining = model.isTraining();
    model.eval();
    Tape tape = Tape.inference();
    int n = data.size();
    int[] dims = data.x().shape().dims();
    int per = data.x().size() / Math.max(1, n);
    double nats = 0;
    try {
      for (int start = 0; start < n; start += batch) {
        int m = Math.min(batch, n - start);
        tape.reset();
        dims[0] = m;
        float[] buf = new float[m * per];
        System.arraycopy(data.x().data(), start * per, buf, 0, m * per);
        Var lp = F.logSoftmax(model.forward(tape.input(Tensor.wrap(buf, Shape.of(dims))))); // [m, classes]
        float[] z = lp.data();
        int c = lp.shape().dim(-1);
        for (int i = 0; i < m; i++) nats -= z[i * c + data.y()[start + i]];
      }
    } finally {
      if (wasTraining) model.train();
    }
    return nats / Math.log(2);
  }
}
