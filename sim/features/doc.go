// Package features turns a state into a feature vector φ(s) for linear
// value-function approximation (Zhao, chapter 8; Sutton & Barto, §9.5),
// from a small declarative JSON spec in the spirit of TensorFlow's feature
// columns.
//
// # Raw columns
//
// An environment names its raw columns, each with a range (Column): grid
// worlds row, col, x, y and cell; control tasks their observation
// variables, such as MountainCar's position and velocity. A spec refers to
// them by name. Values outside a column's range are clipped to it.
//
// # The grammar
//
// A spec is one column object, or several under "columns":
//
//	spec      = column | {"columns": [column, ...], "transform": "none"|"poly", "order": N}
//	column    = {"numeric": NAME}
//	          | {"bucketized": NAME, "buckets": N}
//	          | {"bucketized": NAME, "boundaries": [b1, b2, ...]}
//	          | {"one_hot": NAME}
//	          | {"crossed": [NAME, ...], "tilings": N, "tiles": N | [N, ...]}
//	          | {"fourier": [NAME, ...], "order": N}
//
// numeric is the column's value scaled from its range to [−1, 1] (Zhao's
// normalisation of the grid's x and y for polynomial features).
// bucketized is a one-hot vector of the bucket the value falls in: N
// buckets of equal width over the range, or TensorFlow's boundaries
// (buckets (−∞, b1), [b1, b2), …, [bk, ∞)). one_hot is a one-hot vector of
// a categorical column's level (its value rounded), the tabular case when
// the column is the state's index. crossed is tile coding (Sutton & Barto
// §9.5.4): the columns' product space cut into N tiles per column ("tiles":
// one number for every column or one per column; default 8), repeated in
// "tilings" offset tilings (default 1, a plain crossed bucketized column)
// with the asymmetric offsets of Sutton's tiles3: tiling t is displaced by
// t·(1, 3, 5, …)/tilings of a tile. fourier is the cosine basis of order N
// (Sutton & Barto §9.5.2, Zhao's (8.18)): cos(π c·x̃) for every c in
// {0, …, N}^d, the columns scaled to x̃ ∈ [0, 1], c counting with the first
// column slowest.
//
// Under "columns" the blocks are concatenated in order. "transform": "poly"
// (all columns numeric) instead makes every monomial of the scaled values
// of total degree 0 … order, the constant first, then by degree, each
// degree's pure powers before its mixed terms: with x, y and order 3 this
// is Zhao's (8.17), [1, x, y, x², y², xy, x³, y³, x²y, xy²].
//
// Unknown fields, a field that does not belong to the column's kind,
// unknown column names and sizes beyond the bounds (MaxColumns, MaxOrder,
// MaxBuckets, MaxTilings, MaxTiles, MaxFeatures, MaxDense, MaxSpecBytes) are errors that name the
// field by its path, such as columns[1].buckets.
//
// # Featurizers
//
// New compiles a spec for a set of columns into a Featurizer, which writes
// φ(s) of a raw column vector into a caller's buffer without allocating:
// Dense writes every component, Sparse only the nonzero ones (indices and
// values), which is what tile coding and one-hot vectors are for. Label
// names each component, and TileEdges gives the tiles of a crossed block,
// for drawing.
package features
