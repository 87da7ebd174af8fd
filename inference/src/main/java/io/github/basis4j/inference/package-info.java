/**
 * Embedding basis4j in an application: {@link io.github.basis4j.inference.Model#load} builds a model by its
 * registry name and loads a safetensors file of reference {@code state_dict} weights once;
 * {@link io.github.basis4j.inference.Predictor} turns images ({@code BufferedImage}), preprocessed NCHW
 * arrays or NHWC tensors into top-k {@link io.github.basis4j.inference.Classification}s or logits, from any
 * number of threads at once. {@link io.github.basis4j.inference.Preprocessing} is each reference's image
 * pipeline (resize, centre crop, normalisation); the command line uses the same class.
 */
package io.github.basis4j.inference;
