using LeNet5.Network;

namespace LeNet5.Tests.Network;

/// <summary>The worker group, with threads and, as in a browser, without.</summary>
public sealed class WorkerGroupTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryWorkerRunsOncePerRound(bool startThreads)
    {
        using var group = new WorkerGroup(3, startThreads);
        Assert.Equal(startThreads, group.StartsThreads);
        int[] runs = new int[3];
        for (int round = 0; round < 5; round++)
            group.Run(i => Interlocked.Increment(ref runs[i]));
        Assert.Equal([5, 5, 5], runs);
    }

    [Fact]
    public void WithoutThreads_TheWorkersTakeTurnsOnTheCallingThread()
    {
        using var group = new WorkerGroup(3, startThreads: false);
        int caller = Environment.CurrentManagedThreadId;
        var order = new List<(int Worker, int Thread)>();
        group.Run(i => order.Add((i, Environment.CurrentManagedThreadId)));
        Assert.Equal([(0, caller), (1, caller), (2, caller)], order);
    }

    [Fact]
    public void WithoutThreads_AFailureIsThrownAfterTheRound()
    {
        using var group = new WorkerGroup(2, startThreads: false);
        bool secondRan = false;
        var thrown = Assert.Throws<AggregateException>(() => group.Run(i =>
        {
            if (i == 0)
                throw new InvalidOperationException("worker 0");
            secondRan = true;
        }));
        Assert.IsType<InvalidOperationException>(thrown.InnerException);
        Assert.True(secondRan);
    }

    [Fact]
    public void OnThisMachine_AGroupOfTwoStartsThreads()
    {
        using var group = new WorkerGroup(2);
        Assert.Equal(!OperatingSystem.IsBrowser(), group.StartsThreads);
    }
}
