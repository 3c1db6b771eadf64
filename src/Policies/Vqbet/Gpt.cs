using RobotActors.Policies.Networks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace RobotActors.Policies.Vqbet;

/// <summary>
/// VQ-BeT's GPT (LeRobot's vqbet_utils.GPT, nanoGPT without its language-model parts): "transformer" holds the
/// token projection wte (gpt_input_dim → gpt_hidden_dim, a Linear since tokens are features), learned positions
/// wpe, dropout, gpt_n_layer pre-norm causal blocks "h" and ln_f; "lm_head" (no bias) maps to gpt_output_dim.
/// </summary>
public sealed class Gpt : NamedModule<Tensor, Tensor>
{
    private readonly Transformer _transformer;
    private readonly Linear _lmHead;
    private readonly int _blockSize;

    public Gpt(VqbetConfig config) : base("gpt")
    {
        _blockSize = config.GptBlockSize;
        _transformer = new Transformer(config);
        _lmHead = nn.Linear(config.GptHiddenDim, config.GptOutputDim, hasBias: false);
        register_module("transformer", _transformer);
        register_module("lm_head", _lmHead);
        // GPT-2's initialization: N(0, 0.02) weights, zero biases, unit layer norms, and the residual projections
        // scaled by 1/sqrt(2·n_layer).
        using var noGrad = torch.no_grad();
        foreach (var (name, p) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) nn.init.zeros_(p);
            else if (IsLayerNorm(name)) nn.init.ones_(p);
            else if (name.EndsWith("c_proj.weight", StringComparison.Ordinal)) nn.init.normal_(p, 0, 0.02 / Math.Sqrt(2.0 * config.GptNLayer));
            else nn.init.normal_(p, 0, 0.02);
        }
    }

    private static bool IsLayerNorm(string name) => name.Contains(".ln_", StringComparison.Ordinal);

    /// <summary>
    /// nanoGPT's configure_parameters: Linear weights decay; biases, layer-norm weights and the position embedding
    /// do not.
    /// </summary>
    public (List<Parameter> Decay, List<Parameter> NoDecay) ConfigureParameters()
    {
        var decay = new List<Parameter>();
        var noDecay = new List<Parameter>();
        foreach (var (name, p) in named_parameters().OrderBy(kv => kv.name, StringComparer.Ordinal))
        {
            var decays = !name.EndsWith(".bias", StringComparison.Ordinal) && !IsLayerNorm(name) && name != "transformer.wpe.weight";
            (decays ? decay : noDecay).Add(p);
        }
        return (decay, noDecay);
    }

    /// <param name="input">(B, T, gpt_input_dim) tokens.</param>
    /// <returns>(B, T, gpt_output_dim)</returns>
    public override Tensor forward(Tensor input)
    {
        var t = input.shape[1];
        if (t > _blockSize)
            throw new ArgumentException($"cannot forward a sequence of {t} tokens; gpt_block_size is only {_blockSize}");
        using var scope = torch.NewDisposeScope();
        var x = _transformer.forward(input);
        return _lmHead.forward(x).MoveToOuterDisposeScope();
    }

    private sealed class Transformer : NamedModule<Tensor, Tensor>
    {
        private readonly Linear _wte;
        private readonly Embedding _wpe;
        private readonly Dropout _drop;
        private readonly ModuleList<Block> _h = new();
        private readonly LayerNorm _lnF;

        public Transformer(VqbetConfig config) : base("transformer")
        {
            _wte = nn.Linear(config.GptInputDim, config.GptHiddenDim);
            _wpe = nn.Embedding(config.GptBlockSize, config.GptHiddenDim);
            _drop = nn.Dropout(config.Dropout);
            for (var i = 0; i < config.GptNLayer; i++) _h.Add(new Block(config));
            _lnF = nn.LayerNorm(config.GptHiddenDim);
            register_module("wte", _wte);
            register_module("wpe", _wpe);
            register_module("drop", _drop);
            register_module("h", _h);
            register_module("ln_f", _lnF);
        }

        public override Tensor forward(Tensor input)
        {
            var positions = torch.arange(input.shape[1], dtype: ScalarType.Int64, device: input.device).unsqueeze(0);
            var x = _drop.forward(_wte.forward(input) + _wpe.forward(positions));
            foreach (var block in _h) x = block.forward(x);
            return _lnF.forward(x);
        }
    }

    private sealed class Block : NamedModule<Tensor, Tensor>
    {
        private readonly LayerNorm _ln1, _ln2;
        private readonly CausalSelfAttention _attn;
        private readonly Sequential _mlp;

        public Block(VqbetConfig config) : base("block")
        {
            var d = config.GptHiddenDim;
            _ln1 = nn.LayerNorm(d);
            _attn = new CausalSelfAttention(config);
            _ln2 = nn.LayerNorm(d);
            _mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d), nn.Dropout(config.Dropout));
            register_module("ln_1", _ln1);
            register_module("attn", _attn);
            register_module("ln_2", _ln2);
            register_module("mlp", _mlp);
        }

        public override Tensor forward(Tensor x)
        {
            x = x + _attn.forward(_ln1.forward(x));
            return x + _mlp.forward(_ln2.forward(x));
        }
    }

    private sealed class CausalSelfAttention : NamedModule<Tensor, Tensor>
    {
        private readonly Linear _cAttn, _cProj;
        private readonly Dropout _attnDropout, _residDropout;
        private readonly Tensor _bias;
        private readonly long _heads, _dim;

        public CausalSelfAttention(VqbetConfig config) : base("attn")
        {
            (_heads, _dim) = (config.GptNHead, config.GptHiddenDim);
            _cAttn = nn.Linear(_dim, 3 * _dim);
            _cProj = nn.Linear(_dim, _dim);
            _attnDropout = nn.Dropout(config.Dropout);
            _residDropout = nn.Dropout(config.Dropout);
            // nanoGPT keeps its causal mask as a (persistent) buffer named "bias": (1, 1, block, block) ones below the diagonal.
            _bias = torch.tril(torch.ones(config.GptBlockSize, config.GptBlockSize)).view(1, 1, config.GptBlockSize, config.GptBlockSize);
            register_module("c_attn", _cAttn);
            register_module("c_proj", _cProj);
            register_module("attn_dropout", _attnDropout);
            register_module("resid_dropout", _residDropout);
            register_buffer("bias", _bias);
        }

        public override Tensor forward(Tensor x)
        {
            var (b, t, c) = (x.shape[0], x.shape[1], x.shape[2]);
            var qkv = _cAttn.forward(x).split(_dim, 2);
            Tensor Heads(Tensor z) => z.view(b, t, _heads, c / _heads).transpose(1, 2);
            var (q, k, v) = (Heads(qkv[0]), Heads(qkv[1]), Heads(qkv[2]));
            var att = q.matmul(k.transpose(-2, -1)) * (1.0 / Math.Sqrt(c / _heads));
            att = att.masked_fill(_bias[.., .., ..(int)t, ..(int)t] == 0, float.NegativeInfinity);
            att = _attnDropout.forward(nn.functional.softmax(att, -1));
            var y = att.matmul(v).transpose(1, 2).contiguous().view(b, t, c);
            return _residDropout.forward(_cProj.forward(y));
        }
    }
}
