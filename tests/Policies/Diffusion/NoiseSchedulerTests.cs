using RobotActors.Policies.Diffusion;
using RobotActors.Policies.Optim;
using TorchSharp;
using static TorchSharp.torch;

namespace RobotActors.Policies.Tests.Diffusion;

public class NoiseSchedulerTests
{
    [Fact]
    public void The_cosine_schedule_rises_to_its_cap_and_leading_spacing_picks_every_kth_timestep()
    {
        var s = new DdpmScheduler(100, "squaredcos_cap_v2", 1e-4, 0.02, "epsilon", true, 1.0);
        Assert.True(s.Betas.Zip(s.Betas.Skip(1)).All(p => p.Second >= p.First), "cosine betas increase");
        Assert.InRange(s.Betas[0], 1e-5, 1e-3);
        Assert.Equal(0.999, s.Betas[^1], 3);
        Assert.True(s.AlphasCumprod[^1] < 1e-4, "the last step is nearly pure noise");
        var linear = new DdpmScheduler(100, "linear", 1e-4, 0.02, "epsilon", true, 1.0);
        Assert.Equal(1e-4, linear.Betas[0], 8);
        Assert.Equal(0.02, linear.Betas[^1], 8);
        Assert.Equal(Enumerable.Range(0, 100).Reverse(), s.Timesteps);
        s.SetTimesteps(10);
        Assert.Equal(new[] { 90, 80, 70, 60, 50, 40, 30, 20, 10, 0 }, s.Timesteps);
    }

    [Fact]
    public void Noising_matches_the_forward_process_marginal()
    {
        var s = new DdpmScheduler(100, "squaredcos_cap_v2", 1e-4, 0.02, "epsilon", true, 1.0);
        var x0 = torch.full(4, 0.7f);
        var eps = torch.tensor(new[] { 1f, -1f, 0.5f, 0f });
        var t = torch.tensor(new long[] { 0, 10, 50, 99 });
        var noisy = s.AddNoise(x0, eps, t).data<float>().ToArray();
        for (var i = 0; i < 4; i++)
        {
            var ab = s.AlphasCumprod[t[i].item<long>()];
            Assert.Equal(Math.Sqrt(ab) * 0.7 + Math.Sqrt(1 - ab) * eps[i].item<float>(), noisy[i], 5);
        }
    }

    [Fact]
    public void Ddim_given_the_true_noise_walks_back_to_the_clean_sample()
    {
        torch.manual_seed(0);
        var s = new DdimScheduler(100, "squaredcos_cap_v2", 1e-4, 0.02, "epsilon", clipSample: false, 1.0);
        s.SetTimesteps(10);
        var x0 = torch.randn(3, 8, 2);
        var eps = torch.randn(3, 8, 2);
        var x = s.AddNoise(x0, eps, torch.full(3, s.Timesteps[0], dtype: int64));
        foreach (var t in s.Timesteps) x = s.Step(eps, t, x);
        Assert.True(x.allclose(x0, rtol: 1e-4, atol: 1e-4));
    }

    [Fact]
    public void A_ddpm_step_samples_the_forward_process_posterior()
    {
        // From x_t ~ q(x_t | x0), one step with the true x0 must give x_(t-1) ~ q(x_(t-1) | x0): mean √ᾱ'·x0, variance 1 - ᾱ'.
        torch.manual_seed(1);
        var s = new DdpmScheduler(100, "squaredcos_cap_v2", 1e-4, 0.02, "sample", clipSample: false, 1.0);
        const int n = 40_000;
        const int t = 60;
        var x0 = torch.full(n, 0.8f);
        var xt = s.AddNoise(x0, torch.randn(n), torch.full(n, t, dtype: int64));
        var prev = s.Step(x0, t, xt);
        var abPrev = s.AlphasCumprod[t - 1];
        Assert.Equal(Math.Sqrt(abPrev) * 0.8, prev.mean().item<float>(), 2);
        Assert.Equal(1 - abPrev, prev.var().item<float>(), 2);
        // The last step is noise-free.
        var last = s.Step(x0, 0, s.AddNoise(x0, torch.randn(n), torch.zeros(n, dtype: int64)));
        Assert.True(last.allclose(x0, atol: 1e-5));
    }

    [Fact]
    public void Clipping_bounds_the_estimated_clean_sample()
    {
        var s = new DdimScheduler(10, "linear", 1e-4, 0.02, "sample", clipSample: true, 1.0);
        s.SetTimesteps(10);
        var x = s.Step(torch.full(5, 3f), 0, torch.zeros(5));
        Assert.All(x.data<float>().ToArray(), v => Assert.Equal(1f, v, 5));
    }

    [Fact]
    public void The_diffuser_cosine_preset_warms_up_linearly_then_decays_to_zero()
    {
        var s = new DiffuserSchedulerConfig { Name = "cosine", NumWarmupSteps = 500 };
        Assert.Equal(0.0, s.Factor(0, 10_500));
        Assert.Equal(0.5, s.Factor(250, 10_500), 9);
        Assert.Equal(1.0, s.Factor(500, 10_500), 9);
        Assert.Equal(0.5, s.Factor(5_500, 10_500), 9);
        Assert.Equal(0.0, s.Factor(10_500, 10_500), 9);
    }
}
