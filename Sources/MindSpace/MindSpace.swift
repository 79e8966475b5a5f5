// The `MindSpace` library product: every layer of the toolkit under one import.
// The layers and what each owns: docs/architecture.md.
@_exported import MindSpaceCore
@_exported import MindSpaceIO
@_exported import MindSpaceNumerics
@_exported import MindSpaceSynthetic
@_exported import MindSpaceDimension
@_exported import MindSpaceSimilarity
@_exported import MindSpaceProjection
@_exported import MindSpaceRender
@_exported import MindSpaceCheckpoints
@_exported import MindSpacePipeline
