/**
 * Datasets and how they reach a model: {@link dev.fivefold.data.Dataset} and seeded, resumable
 * {@link dev.fivefold.data.Batches}; the IDX format of MNIST ({@link dev.fivefold.data.Idx}) and
 * Fashion-MNIST with its locator ({@link dev.fivefold.data.FashionMnist}); byte-level text corpora
 * ({@link dev.fivefold.data.TextCorpus}), including the King James Bible.
 *
 * <p>This package only reads files: obtaining them (downloads, {@code apt-get}, the {@code bible}
 * program) is the launcher's job. Bad files raise {@link dev.fivefold.io.BadInputException} naming
 * the file, the field and the value; missing ones name every path tried.
 */
package dev.fivefold.data;
