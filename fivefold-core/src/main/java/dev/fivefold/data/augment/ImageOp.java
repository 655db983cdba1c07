package dev.fivefold.data.augment;

import dev.fivefold.tensor.Rng;

/**
 * A random change of one image, in place: crop, flip, erasing, Cutout. An op draws its random
 * numbers from the generator it is given, in a fixed order, so the same generator state gives the
 * same image (the {@link Augmenter} hands every batch a generator derived from the seed and the
 * batch count). Labels are not touched.
 */
public sealed interface ImageOp permits RandomCrop, HorizontalFlip, RandomErasing, Cutout {
  /**
   * Changes the sample at {@code x[offset, offset + layout.size())} in place.
   *
   * @param x the batch's values
   * @param offset the index of the sample's first value
   * @param layout its channels and size; every channel gets the same geometric change
   * @param rng the source of the op's random draws
   */
  void apply(float[] x, int offset, ImageLayout layout, Rng rng);

  /**
   * Throws {@link IllegalArgumentException} if the op cannot work on images of this layout.
   *
   * @param layout the images' layout
   */
  default void check(ImageLayout layout) {}

  /**
   * The op as written in an augmentation spec, e.g. {@code crop:4}; parsed back by {@link Augmentation#parse}.
   *
   * @return the spec item
   */
  String spec();
}
