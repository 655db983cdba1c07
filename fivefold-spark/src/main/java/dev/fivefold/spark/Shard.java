package dev.fivefold.spark;

import dev.fivefold.data.Dataset;
import dev.fivefold.tensor.Tensor;
import java.io.Serial;
import java.io.Serializable;

/**
 * One worker's part of a training set, in a form Spark can ship (plain arrays, Java-serializable).
 * {@link #split} deals the samples round-robin: worker {@code w} of {@code n} gets samples
 * {@code w, w + n, w + 2n, …}, so every shard sees the whole class mix of the source order.
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

  /** The {@code workers} shards of {@code data}, round-robin; each must get at least one sample. */
  public static java.util.List<Shard> split(Dataset data, int workers) {
    if (workers < 1) throw new IllegalArgumentException("workers (" + workers + ") must be >= 1");
    if (data.size() < workers) throw new IllegalArgumentException("training samples (" + data.size() + ") must be >= workers (" + workers + ")");
    java.util.List<Shard> out = new java.util.ArrayList<>();
    for (int w = 0; w < workers; w++) {
      int[] idx = new int[(data.size() - w + workers - 1) / workers];
      for (int i = 0; i < idx.length; i++) idx[i] = w + i * workers;
      out.add(new Shard(w, data.subset(idx)));
    }
    return out;
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
