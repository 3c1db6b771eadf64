using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.RewardClassifier;

/// <summary>
/// Renders labelled scenes: a noisy background, a green goal pad, a red cube and a blue distractor at
/// random places. Success means the cube sits on the pad. The second camera sees the scene mirrored.
/// </summary>
public sealed class SyntheticScenes(int seed, int size = 64)
{
    private readonly Random _rng = new(seed);

    public (Tensor Front, Tensor Side, Tensor Labels) Render(int count)
    {
        var front = new float[count * 3 * size * size];
        var labels = new float[count];
        for (var n = 0; n < count; n++)
        {
            var success = n % 2 == 0;
            labels[n] = success ? 1 : 0;
            var pixels = front.AsSpan(n * 3 * size * size, 3 * size * size);
            for (var i = 0; i < pixels.Length; i++) pixels[i] = 0.3f + 0.2f * (float)_rng.NextDouble();
            int padX = _rng.Next(4, size - 20), padY = _rng.Next(4, size - 20);
            Fill(pixels, padX, padY, 16, 0.1f, 0.8f, 0.1f);
            int cubeX, cubeY;
            if (success)
            {
                cubeX = padX + _rng.Next(2, 8);
                cubeY = padY + _rng.Next(2, 8);
            }
            else
            {
                do { cubeX = _rng.Next(0, size - 8); cubeY = _rng.Next(0, size - 8); }
                while (cubeX > padX - 10 && cubeX < padX + 18 && cubeY > padY - 10 && cubeY < padY + 18);
            }
            Fill(pixels, cubeX, cubeY, 8, 0.9f, 0.1f, 0.1f);
            Fill(pixels, _rng.Next(0, size - 6), _rng.Next(0, size - 6), 6, 0.1f, 0.2f, 0.9f);
        }
        var frontTensor = torch.tensor(front).reshape(count, 3, size, size);
        return (frontTensor, frontTensor.flip(3), torch.tensor(labels));
    }

    private void Fill(Span<float> pixels, int x0, int y0, int side, float r, float g, float b)
    {
        float[] colour = [r, g, b];
        for (var c = 0; c < 3; c++)
            for (var y = y0; y < Math.Min(y0 + side, size); y++)
                for (var x = x0; x < Math.Min(x0 + side, size); x++)
                    pixels[c * size * size + y * size + x] = colour[c] + 0.05f * (float)(_rng.NextDouble() - 0.5);
    }
}
