/**
 * fivefold's engine as a Java module: tensors and kernels, autodiff, layers and models, data,
 * optimizers, controllers, training, information theory, compression and coding, distributed
 * training; no third-party dependency. Every package is exported: each is one concept with a
 * small public surface (see its package-info). The Vector API is an incubator module: run with
 * {@code --add-modules jdk.incubator.vector}.
 */
module dev.fivefold.core {
  requires transitive jdk.incubator.vector;
  requires java.management; // GenerationBenchmark: process CPU time
  requires jdk.management;

  exports dev.fivefold.autodiff;
  exports dev.fivefold.compress;
  exports dev.fivefold.compress.archive;
  exports dev.fivefold.compress.code;
  exports dev.fivefold.compress.distill;
  exports dev.fivefold.compress.grad;
  exports dev.fivefold.compress.mdl;
  exports dev.fivefold.compress.quant;
  exports dev.fivefold.compress.zip;
  exports dev.fivefold.control;
  exports dev.fivefold.control.experiment;
  exports dev.fivefold.data;
  exports dev.fivefold.data.augment;
  exports dev.fivefold.data.caption;
  exports dev.fivefold.dist;
  exports dev.fivefold.info;
  exports dev.fivefold.io;
  exports dev.fivefold.io.tensorboard;
  exports dev.fivefold.landscape;
  exports dev.fivefold.nn;
  exports dev.fivefold.optim;
  exports dev.fivefold.optim.experiment;
  exports dev.fivefold.perception;
  exports dev.fivefold.perception.clip;
  exports dev.fivefold.perception.experiment;
  exports dev.fivefold.perception.explain;
  exports dev.fivefold.perception.fusion;
  exports dev.fivefold.perception.generate;
  exports dev.fivefold.tensor;
  exports dev.fivefold.tensor.kernel;
  exports dev.fivefold.train;
  exports dev.fivefold.train.curriculum;
}
