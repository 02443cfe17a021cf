using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

// The median as well as the mean: these machines are shared, and the median shrugs off a noisy neighbour.
var config = DefaultConfig.Instance.AddColumn(StatisticColumn.Median);
BenchmarkSwitcher.FromAssembly(typeof(LeNet5.Benchmarks.NetworkBenchmarks).Assembly).Run(args, config);
