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
    /// <summary>Threads building batches in parallel (PNG decoding is the cost); defaults to every core.</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
    public IReadOnlyDictionary<string, int[]>? DeltaIndices { get; init; }
}

/// <summary>
/// Batches of dataset items with background prefetch (torch's DataLoader for a LeRobotDataset): a
/// producer fills a bounded channel while the consumer trains, building several batches at once.
/// Each enumeration is one epoch; with Shuffle the order changes per epoch, reproducibly from Seed.
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

    /// <summary>
    /// Builds batches concurrently, several in flight (two per worker), and hands them over in order. While
    /// one batch waits for an episode's rows to load from Parquet, the others keep decoding PNGs.
    /// </summary>
    private async Task Produce(long[] order, ChannelWriter<Batch> writer, CancellationToken ct)
    {
        try
        {
            int batchCount = _options.DropLast ? order.Length / _options.BatchSize : (order.Length + _options.BatchSize - 1) / _options.BatchSize;
            int window = Math.Max(1, _options.Workers) * 2;
            var pending = new Queue<Task<Batch>>();
            int next = 0;
            while (next < batchCount || pending.Count > 0)
            {
                while (next < batchCount && pending.Count < window)
                {
                    int start = next++ * _options.BatchSize;
                    var indices = order.AsSpan(start, Math.Min(_options.BatchSize, order.Length - start)).ToArray();
                    pending.Enqueue(Task.Run(() => BuildBatch(indices, ct), ct));
                }
                await writer.WriteAsync(await pending.Dequeue(), ct);
            }
            writer.Complete();
        }
        catch (Exception e)
        {
            writer.Complete(e is OperationCanceledException ? null : e);
        }
    }

    private Batch BuildBatch(long[] indices, CancellationToken ct)
    {
        var frames = new Frame[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            ct.ThrowIfCancellationRequested();
            frames[i] = _dataset.Get(indices[i], _options.DeltaIndices);
        }
        return new Batch(indices, frames);
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
