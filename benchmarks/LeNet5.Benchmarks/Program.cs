using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(LeNet5.Benchmarks.NetworkBenchmarks).Assembly).Run(args);
