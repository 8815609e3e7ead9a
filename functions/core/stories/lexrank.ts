/** Sentence centrality for the summariser: TF-IDF vectors, their cosine matrix and LexRank over it. */
export function tfIdfVectors(termCountsPerSentence: readonly Map<string, number>[]): Map<string, number>[] {
  const documentFrequency = new Map<string, number>();
  for (const terms of termCountsPerSentence) {
    for (const term of terms.keys()) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  }
  const count = termCountsPerSentence.length;
  return termCountsPerSentence.map((terms) => {
    const vector = new Map<string, number>();
    let norm = 0;
    for (const [term, tf] of terms) {
      const weight = (1 + Math.log(tf)) * Math.log((count + 1) / (documentFrequency.get(term) ?? 1));
      vector.set(term, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [term, weight] of vector) vector.set(term, weight / norm);
    return vector;
  });
}

/** Dense n × n cosine similarities of unit vectors, built from postings so that only shared terms cost. */
export function cosineMatrix(vectors: readonly Map<string, number>[]): Float64Array {
  const size = vectors.length;
  const matrix = new Float64Array(size * size);
  const postings = new Map<string, { index: number; weight: number }[]>();
  vectors.forEach((vector, index) => {
    for (const [term, weight] of vector) {
      const list = postings.get(term);
      if (list) list.push({ index, weight });
      else postings.set(term, [{ index, weight }]);
    }
  });
  for (const list of postings.values()) {
    for (const a of list) {
      for (const b of list) {
        const cell = a.index * size + b.index;
        matrix[cell] = matrix[cell]! + a.weight * b.weight;
      }
    }
  }
  return matrix;
}

/** Continuous LexRank: PageRank over the similarity graph, edges weighted by cosine. */
export function lexRank(similarity: Float64Array, size: number): Float64Array {
  const damping = 0.85;
  // Row-stochastic transitions without self-loops; a sentence that shares nothing with
  // the others spreads its rank evenly, as PageRank does with dead ends.
  const transition = new Float64Array(size * size);
  for (let i = 0; i < size; i += 1) {
    const row = i * size;
    let sum = 0;
    for (let j = 0; j < size; j += 1) if (i !== j) sum += similarity[row + j]!;
    for (let j = 0; j < size; j += 1) {
      transition[row + j] = sum === 0 ? 1 / size : i === j ? 0 : similarity[row + j]! / sum;
    }
  }
  let rank = new Float64Array(size).fill(1 / size);
  for (let iteration = 0; iteration < 100; iteration += 1) {
    const next = new Float64Array(size).fill((1 - damping) / size);
    for (let i = 0; i < size; i += 1) {
      const row = i * size;
      const flow = damping * rank[i]!;
      for (let j = 0; j < size; j += 1) next[j] = next[j]! + flow * transition[row + j]!;
    }
    let change = 0;
    for (let i = 0; i < size; i += 1) change += Math.abs(next[i]! - rank[i]!);
    rank = next;
    if (change < 1e-5) break;
  }
  return rank;
}

export function normaliseToMax(values: Float64Array): Float64Array {
  const max = Math.max(...values);
  return max > 0 ? values.map((value) => value / max) : values;
}
