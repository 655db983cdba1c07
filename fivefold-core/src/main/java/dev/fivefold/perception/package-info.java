/** The model families: {@link dev.fivefold.perception.Mlp} (LeNet-300-100), {@link dev.fivefold.perception.LeNet5}, {@link dev.fivefold.perception.Gpt}. */
package dev.fivefold.perception;
