package dev.fivefold.spark;

import dev.fivefold.data.Dataset;
import dev.fivefold.tensor.Tensor;
import java.io.Serial;
import java.io.Serializable;

/**
 * One worker's part of a training set, in a form Spark can ship (plain arrays, Java-serializable).
 * The driver deals the samples with {@code dist.Shards.deal}, as the simulator does, and ships
 * worker w's as {@code Shard.of(w, train.subset(deal[w]))}.
 */
public final class Shard implements Serializable {
  @Serial private static final long serialVersionUID = 1L;

  private final int worker;
  private final float[] x;
  private final int[] dims;
  private final int[] y;
  private final int classes;
  private transient Dataset dataset; // built once per JVM that holds the shard

  private Shard(int worker, Dataset d) {
    this.worker = worker;
    this.x = d.x().data();
    this.dims = d.x().shape().dims();
    this.y = d.y();
    this.classes = d.classes();
    this.dataset = d;
  }

  /** Worker {@code worker}'s samples {@code d}, as they are (the dist engine deals them with {@code dist.Shards}). */
  public static Shard of(int worker, Dataset d) {
    if (worker < 0) throw new IllegalArgumentException("worker (" + worker + ") must be >= 0");
    return new Shard(worker, d);
  }

  public int worker() {
    return worker;
  }

  public int size() {
    return y.length;
  }

  /** The shard as a dataset (built on first use in this JVM, then reused). */
  public synchronized Dataset dataset() {
    if (dataset == null) dataset = new Dataset(Tensor.of(x, dims), y, classes);
    return dataset;
  }
}
