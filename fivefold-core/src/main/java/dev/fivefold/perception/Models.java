package dev.fivefold.perception;

import dev.fivefold.nn.Module;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Models by spec string, so a checkpoint names the architecture it holds:
 * {@code mlp} (LeNet-300-100), {@code mlp:784-512-10:tanh}, {@code lenet5}, {@code lenet5:6-16-100}
 * (conv1 channels, conv2 channels, fc1 width),
 * {@code gpt:vocab=V,context=T,layers=L,heads=H,width=C[,dropout=p]}.
 */
public final class Models {
  private Models() {}

  public static Module create(String spec, long seed) {
    String[] parts = spec.split(":", 2);
    return switch (parts[0]) {
      case "mlp", "lenet300100" -> {
        if (parts.length == 1) yield Mlp.lenet300100(seed);
        String[] p = parts[1].split(":");
        String[] s = p[0].split("-");
        int[] sizes = new int[s.length];
        try {
          for (int i = 0; i < s.length; i++) sizes[i] = Integer.parseInt(s[i]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("model spec (" + spec + "): sizes must be integers like 784-300-100-10");
        }
        yield new Mlp(sizes, p.length > 1 ? p[1] : "relu", seed);
      }
      case "lenet5" -> {
        if (parts.length == 1) yield new LeNet5(seed);
        String[] w = parts[1].split("-");
        if (w.length != 3) throw new IllegalArgumentException("model spec (" + spec + "): lenet5 widths must be C1-C2-H like lenet5:6-16-100");
        int[] v = new int[3];
        for (int i = 0; i < 3; i++) {
          try {
            v[i] = Integer.parseInt(w[i]);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("model spec (" + spec + "): lenet5 width (" + w[i] + ") is not an integer");
          }
          if (v[i] < 1) throw new IllegalArgumentException("model spec (" + spec + "): lenet5 width (" + v[i] + ") must be >= 1");
        }
        yield new LeNet5(v[0], v[1], v[2], seed);
      }
      case "gpt" -> {
        Map<String, String> kv = keyValues(spec, parts.length > 1 ? parts[1] : "");
        int vocab = intOf(kv, "vocab", -1, spec);
        if (vocab < 0) throw new IllegalArgumentException("model spec (" + spec + ") needs vocab=N");
        GptConfig d = GptConfig.small(vocab);
        yield new Gpt(new GptConfig(vocab, intOf(kv, "context", d.context(), spec), intOf(kv, "layers", d.layers(), spec),
            intOf(kv, "heads", d.heads(), spec), intOf(kv, "width", d.width(), spec),
            Float.parseFloat(kv.getOrDefault("dropout", "0"))), seed);
      }
      default -> throw new IllegalArgumentException("model (" + spec + ") must be one of mlp, lenet5, lenet5:C1-C2-H, gpt:vocab=N,...");
    };
  }

  /** The spec string that {@link #create} turns back into this architecture. */
  public static String specOf(Module m) {
    if (m instanceof Mlp mlp) {
      int[] s = mlp.sizes();
      StringBuilder sb = new StringBuilder("mlp:");
      for (int i = 0; i < s.length; i++) sb.append(i == 0 ? "" : "-").append(s[i]);
      return sb.append(":").append(mlp.activation()).toString();
    }
    if (m instanceof LeNet5 l) {
      int[] w = l.widths();
      return l.isStandard() ? "lenet5" : "lenet5:" + w[0] + "-" + w[1] + "-" + w[2];
    }
    if (m instanceof Gpt g) {
      GptConfig c = g.config();
      return "gpt:vocab=" + c.vocab() + ",context=" + c.context() + ",layers=" + c.layers() + ",heads=" + c.heads()
          + ",width=" + c.width() + ",dropout=" + c.dropout();
    }
    throw new IllegalArgumentException("no spec for " + m.getClass().getSimpleName());
  }

  private static Map<String, String> keyValues(String spec, String s) {
    Map<String, String> kv = new LinkedHashMap<>();
    if (s.isEmpty()) return kv;
    for (String p : s.split(",")) {
      String[] a = p.split("=", 2);
      if (a.length != 2) throw new IllegalArgumentException("model spec (" + spec + "): '" + p + "' is not key=value");
      kv.put(a[0].trim(), a[1].trim());
    }
    return kv;
  }

  private static int intOf(Map<String, String> kv, String k, int def, String spec) {
    String v = kv.get(k);
    if (v == null) return def;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("model spec (" + spec + "): " + k + " (" + v + ") is not an integer");
    }
  }
}
