/**
 * TensorBoard event files written by hand, without a protobuf runtime: {@link
 * dev.fivefold.io.tensorboard.EventWriter} frames {@code Event} protocol buffers as TFRecords
 * (length, masked CRC32C of the length, data, masked CRC32C of the data) in a file named
 * {@code events.out.tfevents.<seconds>.<host>} that {@code tensorboard --logdir} reads: scalars,
 * PNG images and histograms. {@link dev.fivefold.io.tensorboard.TensorBoardObserver} logs a training
 * run (loss, learning rate, evaluations, rollbacks, histograms of weights and gradients); {@link
 * dev.fivefold.io.tensorboard.RunFolderExport} turns a finished run folder's CSV files and PNG
 * pictures into events.
 */
package dev.fivefold.io.tensorboard;
