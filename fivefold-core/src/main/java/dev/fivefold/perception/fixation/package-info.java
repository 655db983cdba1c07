/**
 * A visual-attention model from fixations, the study guide's perception exercise: bottom-up
 * saliency maps ({@link dev.fivefold.perception.fixation.SaliencyMap}: Itti–Koch
 * {@link dev.fivefold.perception.fixation.CentreSurround}, Hou–Zhang
 * {@link dev.fivefold.perception.fixation.SpectralResidual}); fixation paths
 * ({@link dev.fivefold.perception.fixation.ScanPolicy}: winner-take-all with inhibition of return
 * over a saliency map, and the random and centre-biased controls) stored beside the images
 * ({@link dev.fivefold.perception.fixation.ScannedImages}); a foveated glimpse sensor
 * ({@link dev.fivefold.perception.fixation.Retina}, Mnih et al. 2014); a classifier that sees only
 * the glimpses ({@link dev.fivefold.perception.fixation.GlimpseNetwork} feeding a GRU,
 * {@link dev.fivefold.perception.fixation.GlimpseClassifier}), trained to answer after each number of
 * fixations ({@link dev.fivefold.perception.fixation.GlimpseTask}); and the experiment comparing the
 * policies, the glimpse sizes and the full image
 * ({@link dev.fivefold.perception.fixation.FixationExperiment}, {@code fivefold fixations}).
 */
package dev.fivefold.perception.fixation;
