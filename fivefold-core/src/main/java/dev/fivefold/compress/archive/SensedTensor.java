package dev.fivefold.compress.archive;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * A weight tensor stored as compressed-sensing measurements (format 4): instead of its weights, the
 * archive holds {@code y = A x} for a seeded random operator {@code A}, block by block, and how to
 * recover {@code x} from {@code y} by sparse recovery; {@code dev.fivefold.compress.sensing.LayerSensing}
 * writes and recovers it. Only the seed, the block geometry, the recovery settings and the
 * measurements are stored; the operator is rebuilt from the seed.
 *
 * <p>Block geometry (the one rule both sides use): the tensor's {@code n} coefficients (its
 * weights, or their per-filter 2-D DCT for {@code basis "dct"}), in row-major order, are cut into
 * {@code ceil(n / block)} blocks of {@code block} coefficients (the last may be shorter). A block of
 * {@code b} coefficients gets {@link Recipe#rows(int)} measurements and is recovered as a {@link
 * Recipe#sparsity(int)}-sparse vector; a full block gets exactly {@code rows} and {@code sparsity}.
 *
 * <p>Payload (the archive section): for {@code bits 32}, the {@link #measurementCount()}
 * measurements as little-endian float32, block after block; for {@code bits 8}, a float32 scale
 * {@code s >= 0} followed by one signed byte {@code q} per measurement, the measurement being
 * {@code q * s}. Equality is bit-exact on the payload.
 *
 * @param name the parameter name, e.g. "fc1.weight"
 * @param shape the dense shape
 * @param recipe how the measurements were taken and how to recover the weights
 * @param bits 32 (float32 measurements) or 8 (int8 with one float32 scale)
 * @param payload the section bytes, as described above
 */
public record SensedTensor(String name, int[] shape, Recipe recipe, int bits, byte[] payload) {
  /** Measurement operators: {@code gaussian} (i.i.d. N(0, 1/m)), {@code hadamard} (subsampled randomised Walsh–Hadamard). */
  public static final Set<String> OPERATORS = Set.of("gaussian", "hadamard");
  /** Sparsifying bases: {@code identity} (the weights), {@code dct} (per-filter orthonormal 2-D DCT-II of a conv kernel). */
  public static final Set<String> BASES = Set.of("identity", "dct");
  /** Sparse recovery algorithms: {@code omp}, {@code fista}. */
  public static final Set<String> RECOVERIES = Set.of("omp", "fista");
  /** Largest block: a block's operator is at most {@code block x block} doubles when materialised for OMP. */
  public static final int MAX_BLOCK = 4096;

  /**
   * How a tensor was measured and how it is recovered.
   *
   * @param operator one of {@link #OPERATORS}
   * @param basis one of {@link #BASES}; {@code dct} needs a tensor of rank >= 3 (filters are its last two dimensions)
   * @param recovery one of {@link #RECOVERIES}
   * @param seed the operator's seed (a block of length b uses the operator built from {@code (seed, b)})
   * @param block coefficients per block, 1..{@value #MAX_BLOCK}
   * @param rows measurements of a full block, 1..block
   * @param sparsity non-zero coefficients of a full block, 1..rows (OMP's atoms; FISTA's debiased support)
   * @param lambda FISTA's l1 weight as a fraction of {@code ||A^T y||_inf}, in (0, 1]; ignored by OMP
   * @param iterations FISTA's iteration limit, >= 1; ignored by OMP
   * @param tolerance FISTA's stopping tolerance on the relative change of x, >= 0; OMP stops when the
   *     residual is below {@code tolerance * ||y||}
   */
  public record Recipe(String operator, String basis, String recovery, long seed, int block, int rows, int sparsity, double lambda,
      int iterations, double tolerance) {
    /**
     * Validates the recipe.
     *
     * @throws IllegalArgumentException if a name is not one of the known ones or a number is outside its
     *     range
     */
    public Recipe {
      if (!OPERATORS.contains(operator)) throw new IllegalArgumentException("operator (" + operator + ") must be gaussian or hadamard");
      if (!BASES.contains(basis)) throw new IllegalArgumentException("basis (" + basis + ") must be identity or dct");
      if (!RECOVERIES.contains(recovery)) throw new IllegalArgumentException("recovery (" + recovery + ") must be omp or fista");
      if (block < 1 || block > MAX_BLOCK) throw new IllegalArgumentException("block (" + block + ") must be in 1.." + MAX_BLOCK);
      if (rows < 1 || rows > block) throw new IllegalArgumentException("rows (" + rows + ") must be in 1..block (" + block + ")");
      if (sparsity < 1 || sparsity > rows) throw new IllegalArgumentException("sparsity (" + sparsity + ") must be in 1..rows (" + rows + ")");
      if (!(lambda > 0 && lambda <= 1)) throw new IllegalArgumentException("lambda (" + lambda + ") must be in (0, 1]");
      if (iterations < 1) throw new IllegalArgumentException("iterations (" + iterations + ") must be >= 1");
      if (!(tolerance >= 0) || Double.isInfinite(tolerance)) throw new IllegalArgumentException("tolerance (" + tolerance + ") must be >= 0 and finite");
    }

    /**
     * Measurements of a block of {@code b} coefficients: {@code max(1, ceil(rows * b / block))}, so {@code rows} for a full block.
     *
     * @param b the block's length, 1..block
     * @return the block's measurements
     */
    public int rows(int b) {
      return (int) Math.max(1, ((long) rows * b + block - 1) / block);
    }

    /**
     * Non-zeros of a block of {@code b} coefficients: {@code max(1, floor(sparsity * rows(b) / rows))}, so {@code sparsity} for a full block.
     *
     * @param b the block's length, 1..block
     * @return the block's non-zeros
     */
    public int sparsity(int b) {
      return (int) Math.max(1, (long) sparsity * rows(b) / rows);
    }

    /**
     * Measurements of {@code n} coefficients in blocks.
     *
     * @param n the tensor's element count
     * @return the measurements of all its blocks
     */
    public long measurements(long n) {
      long full = n / block, last = n % block;
      return full * rows + (last > 0 ? rows((int) last) : 0);
    }
  }

  /**
   * Copies the shape and checks it against the recipe and the payload.
   *
   * @throws NullPointerException if {@code name} or {@code recipe} is null
   * @throws IllegalArgumentException if a dimension is negative, {@code dct} is asked of a rank below 3,
   *     {@code bits} is not 32 or 8, the payload's length does not match, or the 8-bit scale is negative or
   *     not finite
   */
  public SensedTensor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(recipe, "recipe");
    shape = shape.clone();
    long size = 1;
    for (int d : shape) {
      if (d < 0) throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape) + " has a negative dimension");
      size *= d;
    }
    if (recipe.basis().equals("dct") && shape.length < 3) {
      throw new IllegalArgumentException(name + ": basis dct needs a conv kernel (rank >= 3), shape " + Arrays.toString(shape));
    }
    if (bits != 32 && bits != 8) throw new IllegalArgumentException(name + ": bits (" + bits + ") must be 32 or 8");
    long m = recipe.measurements(size);
    long expected = bits == 32 ? 4 * m : 4 + m;
    if (payload.length != expected) {
      throw new IllegalArgumentException(name + ": payload (" + payload.length + " B) is not " + expected + " B (" + m + " measurements at " + bits + " bits)");
    }
    if (bits == 8) {
      float s = scale(payload);
      if (!(s >= 0) || Float.isInfinite(s)) throw new IllegalArgumentException(name + ": scale (" + s + ") must be >= 0 and finite");
    }
  }

  /**
   * Number of elements of the dense tensor.
   *
   * @return the product of the shape's dimensions
   */
  public int size() {
    int n = 1;
    for (int d : shape) n *= d;
    return n;
  }

  /**
   * Measurements stored: {@link Recipe#measurements} of {@link #size}.
   *
   * @return the measurement count
   */
  public long measurementCount() {
    return recipe.measurements(size());
  }

  /**
   * The measurements, decoded from the payload (for 8 bits, {@code q * s} in float).
   *
   * @return a new array of {@link #measurementCount()} values
   */
  public float[] measurements() {
    ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
    if (bits == 32) {
      float[] y = new float[payload.length / 4];
      for (int i = 0; i < y.length; i++) y[i] = Float.intBitsToFloat(b.getInt());
      return y;
    }
    float s = b.getFloat();
    float[] y = new float[payload.length - 4];
    for (int i = 0; i < y.length; i++) y[i] = payload[4 + i] * s;
    return y;
  }

  /**
   * The payload of {@code y} at {@code bits}: float32 as they are, or int8 with scale {@code s =
   * max|y| / 127} (0 if every measurement is 0), {@code q = round(y / s)}. Non-finite values are
   * refused.
   *
   * @param y the measurements, finite
   * @param bits 32 or 8
   * @return the payload bytes
   * @throws IllegalArgumentException if a measurement is not finite or {@code bits} is not 32 or 8
   */
  public static byte[] payload(float[] y, int bits) {
    for (int i = 0; i < y.length; i++) if (!Float.isFinite(y[i])) throw new IllegalArgumentException("measurement " + i + " (" + y[i] + ") is not finite");
    if (bits == 32) {
      ByteBuffer b = ByteBuffer.allocate(4 * y.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : y) b.putInt(Float.floatToRawIntBits(v));
      return b.array();
    }
    if (bits != 8) throw new IllegalArgumentException("bits (" + bits + ") must be 32 or 8");
    float max = 0;
    for (float v : y) max = Math.max(max, Math.abs(v));
    float s = max / 127f;
    byte[] p = new byte[4 + y.length];
    ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN).putFloat(s);
    for (int i = 0; i < y.length; i++) p[4 + i] = s == 0 ? 0 : (byte) Math.max(-127, Math.min(127, Math.round(y[i] / s)));
    return p;
  }

  private static float scale(byte[] payload) {
    return ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN).getFloat();
  }

  /**
   * The dense shape.
   *
   * @return a copy of the shape
   */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SensedTensor s && name.equals(s.name) && Arrays.equals(shape, s.shape) && recipe.equals(s.recipe) && bits == s.bits
        && Arrays.equals(payload, s.payload);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "SensedTensor[" + name + " " + Arrays.toString(shape) + ", " + measurementCount() + " measurements, " + recipe.operator() + "/"
        + recipe.basis() + "/" + recipe.recovery() + ", " + bits + " bits]";
  }
}
