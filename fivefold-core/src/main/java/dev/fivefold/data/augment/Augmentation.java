package dev.fivefold.data.augment;

import java.util.ArrayList;
import java.util.List;

/**
 * What to do to the training images, parsed in one place from a spec such as
 * {@code crop:4,flip,erase:0.5}: a list of per-image {@link ImageOp}s applied in the order written,
 * then at most one batch {@link Mixing} (mixup or CutMix, whichever position it was written in).
 * Evaluation is never augmented. The random numbers come from an {@link Augmenter}.
 *
 * <p>The spec is comma-separated {@code name[:value]} items; "" or {@code none} is no augmentation:
 * <pre>
 *   crop[:PAD]      random crop with PAD zero pixels of padding ({@link RandomCrop}; default 4)
 *   flip[:P]        horizontal flip with probability P ({@link HorizontalFlip}; default 0.5)
 *   erase[:P]       random erasing with probability P, scale 0.02–0.33, ratio 0.3–3.3 ({@link RandomErasing}; default 0.5)
 *   cutout[:SIZE]   zero a SIZE × SIZE square ({@link Cutout}; default 8)
 *   mixup[:ALPHA]   mixup, λ ~ Beta(ALPHA, ALPHA) ({@link Mixing.MixupBlend}; default 0.2)
 *   cutmix[:ALPHA]  CutMix, λ ~ Beta(ALPHA, ALPHA) ({@link Mixing.CutMix}; default 1)
 * </pre>
 * Errors name the spec and the item: an unknown name, a value that is not a number, a probability
 * outside [0, 1], a size below 1, a name given twice, mixup together with CutMix.
 *
 * @param ops per-image ops in order (may be empty)
 * @param mixing the batch mixing, or null for none
 */
public record Augmentation(List<ImageOp> ops, Mixing mixing) {
  /** The names a spec may use, with their value, for error messages and help. */
  public static final String NAMES = "crop[:PAD], flip[:P], erase[:P], cutout[:SIZE], mixup[:ALPHA], cutmix[:ALPHA]";

  /**
   * Copies the ops.
   *
   * @throws IllegalArgumentException if {@code ops} is null
   */
  public Augmentation {
    if (ops == null) throw new IllegalArgumentException("ops must not be null");
    ops = List.copyOf(ops);
  }

  /**
   * No augmentation.
   *
   * @return the empty augmentation
   */
  public static Augmentation none() {
    return new Augmentation(List.of(), null);
  }

  /**
   * True if nothing is done to the images.
   *
   * @return true for {@link #none()}
   */
  public boolean isNone() {
    return ops.isEmpty() && mixing == null;
  }

  /**
   * Parses a spec (see the class comment); null, "" and "none" are {@link #none()}.
   *
   * @param spec the spec
   * @return the augmentation
   * @throws IllegalArgumentException naming the bad part of the spec
   */
  public static Augmentation parse(String spec) {
    return parse("augmentation", spec);
  }

  /**
   * Parses a spec; an error reads {@code "<what> (<spec>): <why>"}, e.g. {@code --augment (crop:4,blur):
   * unknown augmentation 'blur' (known: …)}.
   *
   * @param what the name of the spec's source in messages, e.g. a flag
   * @param spec the spec, e.g. {@code "crop:4,flip,cutmix:1"}
   * @return the augmentation
   * @throws IllegalArgumentException naming {@code what} and the bad part of the spec
   */
  public static Augmentation parse(String what, String spec) {
    if (spec == null || spec.isBlank() || spec.strip().equals("none")) return none();
    List<ImageOp> ops = new ArrayList<>();
    Mixing mixing = null;
    List<String> seen = new ArrayList<>();
    for (String raw : spec.split(",", -1)) {
      String item = raw.strip();
      int colon = item.indexOf(':');
      String name = colon < 0 ? item : item.substring(0, colon), value = colon < 0 ? null : item.substring(colon + 1).strip();
      if (seen.contains(name)) throw bad(what, spec, "'" + name + "' is given twice");
      seen.add(name);
      try {
        switch (name) {
          case "crop" -> ops.add(new RandomCrop(integer(value, 4)));
          case "flip" -> ops.add(new HorizontalFlip(number(value, 0.5)));
          case "erase" -> ops.add(RandomErasing.withProbability(number(value, 0.5)));
          case "cutout" -> ops.add(new Cutout(integer(value, 8)));
          case "mixup", "cutmix" -> {
            if (mixing != null) throw new IllegalArgumentException("mixup and cutmix cannot be combined");
            mixing = name.equals("mixup") ? new Mixing.MixupBlend(number(value, 0.2)) : new Mixing.CutMix(number(value, 1));
          }
          default -> throw new IllegalArgumentException("unknown augmentation '" + item + "' (known: " + NAMES + ")");
        }
      } catch (IllegalArgumentException e) {
        throw bad(what, spec, e.getMessage());
      }
    }
    return new Augmentation(ops, mixing);
  }

  /**
   * Throws {@link IllegalArgumentException} if an op cannot work on images of this layout
   * (a crop padding not smaller than the image).
   *
   * @param layout the images' layout
   * @throws IllegalArgumentException if an op does not fit the layout
   */
  public void check(ImageLayout layout) {
    for (ImageOp op : ops) op.check(layout);
  }

  /** The canonical spec, parsed back to an equal augmentation; "none" for none. */
  @Override
  public String toString() {
    if (isNone()) return "none";
    List<String> parts = new ArrayList<>();
    for (ImageOp op : ops) parts.add(op.spec());
    if (mixing != null) parts.add(mixing.spec());
    return String.join(",", parts);
  }

  private static IllegalArgumentException bad(String what, String spec, String why) {
    return new IllegalArgumentException(what + " (" + spec + "): " + why);
  }

  private static double number(String value, double fallback) {
    if (value == null) return fallback;
    try {
      double v = Double.parseDouble(value);
      if (!Double.isFinite(v)) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not a number");
    }
  }

  private static int integer(String value, int fallback) {
    if (value == null) return fallback;
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is not an integer");
    }
  }
}
