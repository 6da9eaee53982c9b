import Foundation

/// The snapshot folders of one repository in a Hugging Face hub cache (`<cache>/models--owner--name/snapshots/*`),
/// in the order weight discovery tries them: the revision `refs/main` names first, then the others by name.
public enum HubCacheSnapshots {
    public static func repositoryFolder(hubCache: String, repoID: String) -> String {
        hubCache + "/models--" + repoID.replacingOccurrences(of: "/", with: "--")
    }

    public static func candidates(hubCache: String, repoID: String) -> [String] {
        let repoDir = repositoryFolder(hubCache: hubCache, repoID: repoID)
        var candidates: [String] = []
        if let main = try? String(contentsOfFile: repoDir + "/refs/main", encoding: .utf8) {
            candidates.append(repoDir + "/snapshots/" + main.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        let snapshots = (try? FileManager.default.contentsOfDirectory(atPath: repoDir + "/snapshots")) ?? []
        candidates += snapshots.sorted().map { repoDir + "/snapshots/" + $0 }.filter { !candidates.contains($0) }
        return candidates
    }

    /// The first candidate `isComplete` accepts; every folder looked at is added to `searched` (or the note that
    /// the repository has no snapshot).
    public static func firstComplete(hubCache: String, repoID: String, searched: inout [String],
                                     isComplete: (String) -> Bool) -> String? {
        let candidates = candidates(hubCache: hubCache, repoID: repoID)
        if candidates.isEmpty {
            searched.append(repositoryFolder(hubCache: hubCache, repoID: repoID) + "/snapshots/<revision> (no snapshot)")
        }
        for dir in candidates {
            searched.append(dir)
            if isComplete(dir) { return dir }
        }
        return nil
    }
}
