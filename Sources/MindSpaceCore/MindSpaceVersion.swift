/// The MindSpace version written into every report and PNG.
public enum MindSpaceVersion {
    public static let string = "0.1.0"
}
