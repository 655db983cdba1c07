/**
 * The training loop ({@link dev.fivefold.train.Trainer}, a loop with hooks: controller, guard,
 * sensors, observers; {@link dev.fivefold.train.Trainer#requestStop()}), the one value that holds
 * everything a run's future depends on ({@link dev.fivefold.train.TrainState}: checkpoints, the
 * guard's snapshots and rewinds), tasks, observers ({@link dev.fivefold.train.Checkpointing}),
 * metric logs and exact checkpoints.
 */
package dev.fivefold.train;
