package dev.fivefold.compress.code;

/**
 * Reed–Solomon code RS(255, 255 - 2t) over GF(2^8), systematic, interleaved across the whole data
 * (Reed and Solomon 1960; decoding after Blahut, "Algebraic Codes for Data Transmission", ch. 7).
 *
 * <p>Field: GF(2^8) modulo {@code x^8 + x^4 + x^3 + x^2 + 1} (0x11d), primitive element
 * {@code α = 2}. Generator {@code g(x) = prod_{i=1}^{2t} (x - α^i)}. A code word of {@code n <= 255}
 * bytes {@code c_0 .. c_{n-1}} is the polynomial {@code sum c_j x^(n-1-j)}: {@code k = n - 2t} data
 * bytes, then the remainder of {@code m(x) x^(2t) mod g(x)}. A shorter word is a shortened code
 * (implicit leading zeros).
 *
 * <p>Decoding: syndromes {@code S_i = r(α^i)}, {@code i = 1..2t}; Berlekamp–Massey for the error
 * locator {@code Λ}; Chien search for its roots {@code X^-1}; Forney for the magnitudes {@code e =
 * Ω(X^-1) / Λ'(X^-1)}, {@code Ω = S Λ mod x^(2t)}. Corrects up to {@code t} byte errors per word;
 * more are detected (the locator's degree or roots do not fit, or the syndromes stay non-zero) with
 * high probability, and then the word is left as it is.
 *
 * <p>Interleaving: {@code len} data bytes form {@code N = ceil(len / (255 - 2t))} words; word
 * {@code j} holds data bytes {@code j, j + N, j + 2N, ...}, and its parity byte {@code p} is stored
 * at {@code p * N + j}. A burst of up to {@code t * N} consecutive bytes therefore costs each word
 * at most {@code t} errors. Overhead {@code 2t} bytes per {@code 255 - 2t}.
 */
final class ReedSolomon implements ChannelCode {
  private static final int[] EXP = new int[512];
  private static final int[] LOG = new int[256];

  static {
    int x = 1;
    for (int i = 0; i < 255; i++) {
      EXP[i] = x;
      LOG[x] = i;
      x <<= 1;
      if (x >= 256) x ^= 0x11d;
    }
    for (int i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
  }

  private final int nsym; // 2t check bytes per word
  private final int k; // data bytes per full word
  private final int[] gen; // g(x), highest degree first, gen[0] = 1

  ReedSolomon(int nsym) {
    if (nsym < 2 || nsym > 254 || nsym % 2 != 0) throw new IllegalArgumentException("nsym (" + nsym + ") must be even in [2, 254]");
    this.nsym = nsym;
    this.k = 255 - nsym;
    int[] g = {1};
    for (int i = 1; i <= nsym; i++) {
      int[] h = new int[g.length + 1];
      for (int j = 0; j < g.length; j++) {
        h[j] ^= g[j];
        h[j + 1] ^= mul(g[j], EXP[i]);
      }
      g = h;
    }
    gen = g;
  }

  static int mul(int a, int b) {
    return a == 0 || b == 0 ? 0 : EXP[LOG[a] + LOG[b]];
  }

  private static int div(int a, int b) {
    return a == 0 ? 0 : EXP[LOG[a] + 255 - LOG[b]];
  }

  @Override
  public String name() {
    return "rs";
  }

  @Override
  public long parityLength(long dataLength) {
    return nsym * words(dataLength);
  }

  private long words(long len) {
    return (len + k - 1) / k;
  }

  @Override
  public byte[] parity(byte[] buf, int off, int len) {
    int n = (int) words(len);
    byte[] out = new byte[n * nsym];
    int[] r = new int[nsym];
    for (int j = 0; j < n; j++) {
      java.util.Arrays.fill(r, 0);
      for (int i = j; i < len; i += n) {
        int fb = (buf[off + i] & 0xff) ^ r[0];
        System.arraycopy(r, 1, r, 0, nsym - 1);
        r[nsym - 1] = 0;
        if (fb != 0) for (int q = 0; q < nsym; q++) r[q] ^= mul(fb, gen[q + 1]);
      }
      for (int p = 0; p < nsym; p++) out[p * n + j] = (byte) r[p];
    }
    return out;
  }

  @Override
  public Correction correct(byte[] buf, int off, int len, int parityOff) {
    int n = (int) words(len);
    long corrected = 0;
    long bad = 0;
    int[] word = new int[255];
    for (int j = 0; j < n; j++) {
      int m = 0;
      for (int i = j; i < len; i += n) word[m++] = buf[off + i] & 0xff;
      for (int p = 0; p < nsym; p++) word[m++] = buf[parityOff + p * n + j] & 0xff;
      int fixed = correctWord(word, m);
      if (fixed < 0) {
        bad++;
        continue;
      }
      if (fixed == 0) continue;
      corrected += fixed;
      m = 0;
      for (int i = j; i < len; i += n) buf[off + i] = (byte) word[m++];
      for (int p = 0; p < nsym; p++) buf[parityOff + p * n + j] = (byte) word[m++];
    }
    return new Correction(corrected, bad);
  }

  /** Corrects {@code c[0, n)} in place; returns the number of bytes corrected, or -1 if it cannot. */
  int correctWord(int[] c, int n) {
    int[] s = syndromes(c, n);
    if (s == null) return 0;
    // Berlekamp–Massey: Λ(x) = lam[0] + lam[1] x + ..., lowest degree first.
    int[] lam = new int[nsym + 1];
    int[] b = new int[nsym + 1];
    lam[0] = 1;
    b[0] = 1;
    int l = 0;
    int shift = 1;
    int bd = 1;
    for (int r = 0; r < nsym; r++) {
      int d = s[r];
      for (int i = 1; i <= l; i++) d ^= mul(lam[i], s[r - i]);
      if (d == 0) {
        shift++;
        continue;
      }
      int coef = div(d, bd);
      int[] prev = 2 * l <= r ? lam.clone() : null;
      for (int i = 0; i + shift <= nsym; i++) lam[i + shift] ^= mul(coef, b[i]);
      if (prev != null) {
        l = r + 1 - l;
        b = prev;
        bd = d;
        shift = 1;
      } else {
        shift++;
      }
    }
    if (l > nsym / 2) return -1;
    // Chien search over the n positions; position j has locator X = α^(n-1-j).
    int[] where = new int[l];
    int found = 0;
    for (int j = 0; j < n; j++) {
      int xinv = EXP[(255 - (n - 1 - j)) % 255];
      if (eval(lam, l, xinv) == 0) {
        if (found == l) return -1;
        where[found++] = j;
      }
    }
    if (found != l) return -1;
    // Forney: Ω = S Λ mod x^(2t); e = Ω(X^-1) / Λ'(X^-1).
    int[] omega = new int[nsym];
    for (int i = 0; i < nsym; i++) {
      int v = 0;
      for (int q = 0; q <= Math.min(i, l); q++) v ^= mul(lam[q], s[i - q]);
      omega[i] = v;
    }
    for (int e = 0; e < l; e++) {
      int j = where[e];
      int xinv = EXP[(255 - (n - 1 - j)) % 255];
      int num = eval(omega, nsym - 1, xinv);
      int den = 0;
      for (int i = 1; i <= l; i += 2) den ^= mul(lam[i], pow(xinv, i - 1));
      if (den == 0) return -1;
      c[j] ^= div(num, den);
    }
    return syndromes(c, n) == null ? l : -1;
  }

  /** {@code S_1 .. S_2t}, or null when all are zero. */
  private int[] syndromes(int[] c, int n) {
    int[] s = new int[nsym];
    boolean any = false;
    for (int i = 0; i < nsym; i++) {
      int a = EXP[i + 1];
      int v = 0;
      for (int j = 0; j < n; j++) v = mul(v, a) ^ c[j];
      s[i] = v;
      any |= v != 0;
    }
    return any ? s : null;
  }

  /** {@code p(x)} for {@code p} lowest degree first, of degree {@code deg}. */
  private static int eval(int[] p, int deg, int x) {
    int v = 0;
    for (int i = deg; i >= 0; i--) v = mul(v, x) ^ p[i];
    return v;
  }

  private static int pow(int x, int e) {
    return e == 0 ? 1 : x == 0 ? 0 : EXP[(LOG[x] * e) % 255];
  }
}
