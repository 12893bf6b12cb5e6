#!/usr/bin/env python3
"""SentencePiece model for the real-text base (public/models/text-nano/spiece.model), trained on English from a Debian
package, never on the benchmark's data: the glosses and example sentences of WordNet (apt-get install wordnet-base),
about 117,000 definitions of English words. Unigram, T5's ids (pad 0, eos 1, unk 2, no bos); the engine adds T5's 100
sentinels after the pieces. Needs Debian's python3-sentencepiece. Usage: make_tokenizer.py OUT_DIR [VOCAB]"""
import glob, os, sys, tempfile
import sentencepiece as spm

out = sys.argv[1]
vocab = int(sys.argv[2]) if len(sys.argv) > 2 else 4000
lines = []
for path in sorted(glob.glob('/usr/share/wordnet/data.*')):
    with open(path, encoding='latin-1') as f:
        for line in f:
            if line.startswith('  ') or '|' not in line:
                continue  # the licence header
            gloss = line.split('|', 1)[1].strip()
            # "definition; "an example"; "another"": one line each
            lines.extend(p.strip().strip('"').strip() for p in gloss.split(';') if p.strip().strip('"').strip())
if not lines:
    sys.exit('no WordNet glosses under /usr/share/wordnet (apt-get install wordnet-base)')
os.makedirs(out, exist_ok=True)
with tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False, encoding='utf-8') as f:
    f.write('\n'.join(lines))
    corpus = f.name
spm.SentencePieceTrainer.train(
    input=corpus, model_prefix=os.path.join(out, 'spiece'), vocab_size=vocab, model_type='unigram',
    pad_id=0, eos_id=1, unk_id=2, bos_id=-1, character_coverage=1.0, num_threads=1, minloglevel=2,
)
os.remove(corpus)
os.remove(os.path.join(out, 'spiece.vocab'))
print(f'{len(lines)} lines, {sum(map(len, lines))} characters -> {out}/spiece.model ({vocab} pieces)')
