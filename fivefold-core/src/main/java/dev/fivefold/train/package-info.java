/** The training loop ({@link dev.fivefold.train.Trainer}), tasks, observers, metric logs and exact checkpoints. */
package dev.fivefold.train;
