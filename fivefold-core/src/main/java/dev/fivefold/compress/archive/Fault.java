package dev.fivefold.compress.archive;

import dev.fivefold.io.AtomicFiles;
import dev.fivefold.tensor.Rng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Fault injection for the channel-coding experiment: flips {@code n} distinct bits chosen uniformly
 * at random (seeded, so a run can be repeated). A bit is numbered {@code 8 * byte + k}, {@code k = 0}
 * the least significant bit of the byte.
 */
public final class Fault {
  private Fault() {}

  /**
   * Flips {@code n} distinct random bits of {@code bytes[from, to)} in place; returns their numbers,
   * ascending. {@link IllegalArgumentException} if the range is invalid or holds fewer than {@code n} bits.
   *
   * @param bytes the array, changed in place
   * @param from the range's first byte
   * @param to one past its last byte
   * @param n bits to flip, in 0..8·(to − from)
   * @param seed the choice's seed
   * @return the flipped bits' numbers in the array
   */
  public static long[] flipBits(byte[] bytes, int from, int to, int n, long seed) {
    if (from < 0 || to > bytes.length || from > to) throw new IllegalArgumentException("range [" + from + ", " + to + ") outside " + bytes.length + " bytes");
    long range = 8L * (to - from);
    if (n < 0 || n > range) throw new IllegalArgumentException("n (" + n + ") must be in 0.." + range);
    Rng rng = new Rng(seed);
    Set<Long> chosen = new HashSet<>();
    while (chosen.size() < n) chosen.add(8L * from + Math.floorMod(rng.nextLong(), range));
    long[] bits = chosen.stream().mapToLong(Long::longValue).sorted().toArray();
    for (long b : bits) bytes[(int) (b >>> 3)] ^= (byte) (1 << (b & 7));
    return bits;
  }

  /**
   * Flips {@code n} distinct random bits of {@code file} from byte {@code from} on; rewrites it atomically.
   *
   * @param file the file, rewritten
   * @param from the first byte that may be hit
   * @param n bits to flip
   * @param seed the choice's seed
   * @return the flipped bits' numbers in the file
   * @throws IOException if the file cannot be read or written
   */
  public static long[] flipBits(Path file, int from, int n, long seed) throws IOException {
    dev.fivefold.io.InputFiles.requireRegular(file, "archive");
    byte[] b = Files.readAllBytes(file);
    long[] bits = flipBits(b, from, b.length, n, seed);
    AtomicFiles.writeBytes(file, b);
    return bits;
  }

  /**
   * Number of distinct bytes the bit numbers {@code bits} fall in.
   *
   * @param bits bit numbers
   * @return the count of bytes
   */
  public static int bytesTouched(long[] bits) {
    return (int) Arrays.stream(bits).map(b -> b >>> 3).distinct().count();
  }
}
