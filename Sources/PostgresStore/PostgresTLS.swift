import NIOSSL
import PostgresNIO
import Store

/// TLS to the database as libpq's `sslmode` and `sslrootcert` say, so a URL that works with psql
/// works here: `disable`; `allow` and `prefer` (the default), TLS when the server offers it;
/// `require`, TLS or no connection; `verify-ca`, and the server's certificate signed by a trusted
/// authority; `verify-full`, and naming the host. Trusted authorities: `sslrootcert=FILE` (PEM), else
/// the system's.
enum PostgresTLS {
    static func configuration(mode: String?, rootCertificate: String?, shown: String) throws(StoreError)
        -> PostgresConnection.Configuration.TLS
    {
        var settings = TLSConfiguration.makeClientConfiguration()
        if let rootCertificate { settings.trustRoots = .file(rootCertificate) }
        let mode = mode ?? "prefer"
        switch mode {
        case "disable": return .disable
        case "allow", "prefer", "require":
            // As libpq: without a root certificate named, these encrypt but take any certificate.
            settings.certificateVerification = rootCertificate == nil ? .none : .noHostnameVerification
        case "verify-ca": settings.certificateVerification = .noHostnameVerification
        case "verify-full": settings.certificateVerification = .fullVerification
        default:
            throw StoreError(
                message:
                    "\(shown): sslmode=\(mode) is not one of disable, allow, prefer, require, verify-ca, verify-full")
        }
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: settings)
        } catch {
            throw StoreError(message: "\(shown): cannot set up TLS (\(error))")
        }
        return mode == "require" || mode.hasPrefix("verify") ? .require(context) : .prefer(context)
    }
}
