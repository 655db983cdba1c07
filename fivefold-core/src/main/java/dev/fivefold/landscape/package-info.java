/**
 * Looking at optimization: 2-D test functions ({@link dev.fivefold.landscape.TestFunction}) and
 * optimizer paths over them ({@link dev.fivefold.landscape.Trajectory}, compared by
 * {@link dev.fivefold.landscape.TrajectoryComparison}); loss landscapes of trained models along
 * filter-normalised random directions ({@link dev.fivefold.landscape.Directions},
 * {@link dev.fivefold.landscape.Landscape}, Li et al. 2018; the experiment
 * {@link dev.fivefold.landscape.LandscapeExperiment}); contour lines by marching squares
 * ({@link dev.fivefold.landscape.Contours}).
 */
package dev.fivefold.landscape;
