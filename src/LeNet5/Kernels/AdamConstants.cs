namespace LeNet5.Kernels;

/// <summary>Adam's per-step scalars: the decay rates, ε, the step size η/(1−β1^t) and 1/(1−β2^t).</summary>
internal readonly record struct AdamConstants(float Beta1, float Beta2, float Epsilon, float StepSize, float SecondCorrection);
