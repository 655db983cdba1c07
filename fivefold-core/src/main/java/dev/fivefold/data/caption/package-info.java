/**
 * Generated text about labelled images: {@link dev.fivefold.data.caption.Captions}, captions of a
 * class drawn from per-class nouns and attribute words and from templates, with a training and a
 * disjoint held-out (test) wording; and {@link dev.fivefold.data.caption.CharVocabulary}, the
 * characters a text encoder reads, with the padding and class tokens. Used by the small CLIP
 * ({@code perception.clip}) and the fusion questions ({@code perception.fusion}).
 */
package dev.fivefold.data.caption;
