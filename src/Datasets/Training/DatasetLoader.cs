using System.Collections;
using System.Threading.Channels;
using RobotActors.Datasets.Reading;

namespace RobotActors.Datasets.Training;

public sealed record DatasetLoaderOptions
{
    public int BatchSize { get; init; } = 8;
    public bool Shuffle { get; init; } = true;
    public int Seed { get; init; }
    public bool DropLast { get; init; }
    /// <summary>Batches prepared ahead of the consumer.</summary>
    public int Prefetch { get; init; } = 2;
    /// <summary>Threads decoding items of a batch in parallel (PNG decoding is the cost).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
    public IReadOnlyDictionary<string, int[]>? DeltaIndices { get; init; }
}

/// <summary>
/// Batches of dataset items with background prefetch (torch's DataLoader for a LeRobotDataset): a
/// producer task fills a bounded channel while the consumer trains; items of a batch are read in
/// parallel. Each enumeration is one epoch; with Shuffle the order changes per epoch, reproducibly from Seed.
/// </summary>
public sealed class DatasetLoader : IEnumerable<Batch>
{
    private readonly LeRobotDataset _dataset;
    private readonly DatasetLoaderOptions _options;
    private int _epoch;

    public DatasetLoader(LeRobotDataset dataset, DatasetLoaderOptions? options = null)
    {
        _dataset = dataset;
        _options = options ?? new DatasetLoaderOptions();
        if (_options.BatchSize <= 0)
            throw new ArgumentException("batch_size must be positive.");
    }

    public int BatchesPerEpoch
        => (int)(_options.DropLast ? _dataset.Count / _options.BatchSize : (_dataset.Count + _options.BatchSize - 1) / _options.BatchSize);

    public IEnumerator<Batch> GetEnumerator()
    {
        var order = Order(Interlocked.Increment(ref _epoch));
        var channel = Channel.CreateBounded<Batch>(new BoundedChannelOptions(Math.Max(1, _options.Prefetch)) { SingleReader = true, SingleWriter = true });
        using var cts = new CancellationTokenSource();
        var producer = Task.Run(() => Produce(order, channel.Writer, cts.Token));
        try
        {
            while (channel.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
                while (channel.Reader.TryRead(out var batch))
                    yield return batch;
        }
        finally
        {
            cts.Cancel();
            try
            {
                producer.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task Produce(long[] order, ChannelWriter<Batch> writer, CancellationToken ct)
    {
        try
        {
            for (int start = 0; start < order.Length; start += _options.BatchSize)
            {
                int size = Math.Min(_options.BatchSize, order.Length - start);
                if (size < _options.BatchSize && _options.DropLast)
                    break;
                var indices = order.AsSpan(start, size).ToArray();
                var frames = new Frame[size];
                Parallel.For(0, size, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Workers), CancellationToken = ct },
                    i => frames[i] = _dataset.Get(indices[i], _options.DeltaIndices));
                await writer.WriteAsync(new Batch(indices, frames), ct);
            }
            writer.Complete();
        }
        catch (Exception e)
        {
            // The first worker's error, not Parallel.For's wrapper, is what the consumer needs to see.
            writer.Complete(e switch
            {
                OperationCanceledException => null,
                AggregateException a => a.InnerExceptions[0],
                _ => e,
            });
        }
    }

    private long[] Order(int epoch)
    {
        var order = new long[_dataset.Count];
        for (long i = 0; i < order.Length; i++)
            order[i] = i;
        if (_options.Shuffle)
            new Random(unchecked(_options.Seed * 1_000_003 + epoch)).Shuffle(order);
        return order;
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
