/**
 * File formats and safe file handling: safetensors, JSON, atomic writes, bad-input errors; the
 * checks made before a resource is taken (a regular file before it is opened, {@link
 * dev.fivefold.io.InputFiles}; the Java heap before a large allocation, {@link dev.fivefold.io.Heap});
 * the run-folder lock ({@link dev.fivefold.io.RunLock}) and the finite-weights check ({@link
 * dev.fivefold.io.Finite}).
 */
package dev.fivefold.io;
