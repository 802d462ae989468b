using System.Net;

namespace SingleActive.Webhook.Cli;

/// <summary>The parsed arguments of the <c>certs</c> subcommand.</summary>
public sealed record CertsRequest(string OutputDirectory, IReadOnlyList<string> DnsNames, IReadOnlyList<IPAddress> IpAddresses, int Days);
