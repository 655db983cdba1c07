/** File formats and safe file writing: safetensors, JSON, atomic writes, bad-input errors. */
package dev.fivefold.io;
