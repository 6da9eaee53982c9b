import Formats

/// report.json without run.timings and run.environment, as compact JSON: what must be byte-identical between runs of
/// one configuration, whatever their shards, threads or resume points.
public enum StableReport {
    public static func of(folder: String) throws -> String {
        let doc = try JSONReader.parse(file: folder + "/report.json")
        guard case .object(var root) = doc.root, case .object(var run)? = root["run"] else { return "" }
        run["timings"] = nil
        run["environment"] = nil
        root["run"] = .object(run)
        return JSONWriter(style: .compact).string(.object(root))
    }
}
