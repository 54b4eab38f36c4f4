"""The Helm chart, rendered by Helm itself (deploy/tools/install-helm.sh puts the official
binary in the user cache) and every manifest checked against Kubernetes' schemas.

The subcharts (Qdrant, PostgreSQL, Redis) come from registries the tests cannot reach, so the
chart is rendered from a copy without its dependencies, with the external services' values:
what the chart itself renders is all here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.deploy.files import CHART, ROOT, secret_setting_names, setting_names

INSTALLER = ROOT / "deploy" / "tools" / "install-helm.sh"
# The chart's kubeVersion floor among the versions the validator knows, and the newest.
KUBERNETES_VERSIONS = ("1.27.0", kubernetes_validate.latest_version())
RELEASE = "perimeter"
SECRET_VALUES = {
    "perimeter_database__url": "postgresql+asyncpg://perimeter:pg-0ne-s3cret@pg:5432/perimeter",
    "perimeter_redis__url": "rediss://:redis-tw0-s3cret@redis.bank.internal:6380/0",
    "perimeter_core_banking__token": "abs-thr33-s3cret",
    "perimeter_telegram__token": "123456:telegram-f0ur-s3cret",
}
VALUES: dict[str, Any] = {
    "qdrant": {"enabled": False},
    "externalQdrantUrl": "http://qdrant.bank.internal:6333",
    "secrets": SECRET_VALUES,
    "telegram": {"mode": "polling"},
    "metrics": {"serviceMonitor": {"enabled": True}},
    "networkPolicy": {"enabled": True, "egressCIDRs": ["10.20.0.0/16"]},
    "ingress": {"staff": {"allowedSourceRanges": ["10.30.0.0/16"]}},
    "kb": {"existingClaim": "perimeter-kb"},
}


@pytest.fixture(scope="module")
def helm() -> str:
    """Helm from the user cache, fetched there once by the project's installer."""
    result = subprocess.run(
        ["bash", str(INSTALLER)], capture_output=True, text=True, timeout=300, check=False
    )
    if result.returncode != 0:
        if shutil.which("npm") is None and not os.environ.get("CI"):
            pytest.skip(f"no helm and no npm to fetch it with: {result.stderr.strip()}")
        pytest.fail(f"{INSTALLER.name} failed:\n{result.stderr}")
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def chart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the chart without its registry dependencies."""
    copy = tmp_path_factory.mktemp("chart") / "perimeter"
    shutil.copytree(CHART, copy)
    metadata = yaml.safe_load((copy / "Chart.yaml").read_text(encoding="utf-8"))
    metadata.pop("dependencies")
    (copy / "Chart.yaml").write_text(yaml.safe_dump(metadata), encoding="utf-8")
    return copy


def run_helm(helm: str, *args: str, values: dict[str, Any], folder: Path) -> str:
    values_file = folder / "values.json"
    values_file.write_text(json.dumps(values), encoding="utf-8")
    result = subprocess.run(
        [helm, *args, "--namespace", "perimeter", "-f", str(values_file)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "HELM_CACHE_HOME": str(folder / "cache")},
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr or result.stdout)
    return result.stdout


def render(helm: str, chart: Path, values: dict[str, Any]) -> list[dict[str, Any]]:
    out = run_helm(helm, "template", RELEASE, str(chart), values=values, folder=chart.parent)
    return [doc for doc in yaml.safe_load_all(out) if doc]


@pytest.fixture(scope="module")
def manifests(helm: str, chart: Path) -> list[dict[str, Any]]:
    return render(helm, chart, VALUES)


def one(manifests: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = [m for m in manifests if m["kind"] == kind and m["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}: {len(found)} found"
    return found[0]


def container(workload: dict[str, Any]) -> dict[str, Any]:
    containers = workload["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


def test_the_chart_lints(helm: str, chart: Path) -> None:
    # The real chart: only the missing (downloadable) dependencies may be warned about.
    lint = subprocess.run(
        [helm, "lint", str(CHART)], capture_output=True, text=True, timeout=60, check=False
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert "[ERROR]" not in lint.stdout
    run_helm(helm, "lint", "--strict", str(chart), values=VALUES, folder=chart.parent)


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_manifest_is_valid_kubernetes(manifests: list[dict[str, Any]], version: str) -> None:
    for manifest in manifests:
        if manifest["apiVersion"].startswith("monitoring.coreos.com/"):
            continue  # a custom resource: its shape is checked below
        kubernetes_validate.validate(manifest, version, strict=True)


def test_the_service_monitor_scrapes_the_staff_port(manifests: list[dict[str, Any]]) -> None:
    monitor = one(manifests, "ServiceMonitor", "perimeter")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    assert monitor["spec"]["endpoints"] == [
        {"port": "staff", "path": "/metrics", "interval": "30s"}
    ]
    staff = one(manifests, "Service", "perimeter-staff")
    selected = monitor["spec"]["selector"]["matchLabels"]
    assert selected.items() <= staff["metadata"]["labels"].items()
    assert [p["name"] for p in staff["spec"]["ports"]] == ["staff"]


def test_the_web_pods_probe_readiness_and_liveness_apart(manifests: list[dict[str, Any]]) -> None:
    web = container(one(manifests, "Deployment", "perimeter-web"))
    ports = {p["name"]: p["containerPort"] for p in web["ports"]}
    assert ports == {"http": 8080, "staff": 8081}
    assert web["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert web["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert web["args"] == ["serve", "--host", "0.0.0.0", "--port", "8080"]


def test_the_web_pods_drain_before_they_stop(manifests: list[dict[str, Any]]) -> None:
    deployment = one(manifests, "Deployment", "perimeter-web")
    pod = deployment["spec"]["template"]["spec"]
    sleep = container(deployment)["lifecycle"]["preStop"]["exec"]["command"]
    assert sleep[0] == "sleep" and int(sleep[1]) > 0
    config = one(manifests, "ConfigMap", "perimeter-config")["data"]
    grace = float(config["PERIMETER_HTTP__SHUTDOWN_GRACE_S"])
    assert pod["terminationGracePeriodSeconds"] > int(sleep[1]) + grace
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert "replicas" not in deployment["spec"], "the HPA owns the replica count"


def test_the_web_pods_are_locked_down(manifests: list[dict[str, Any]]) -> None:
    deployment = one(manifests, "Deployment", "perimeter-web")
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001
    assert pod["automountServiceAccountToken"] is False
    security = container(deployment)["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    mounts = {m["mountPath"]: m["name"] for m in container(deployment)["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]]
    assert volumes[mounts["/run/secrets"]]["secret"]["secretName"] == "perimeter-secrets"
    assert container(deployment)["resources"]["limits"]["memory"]


def test_migrations_run_as_a_hook_before_install_and_upgrade(
    manifests: list[dict[str, Any]],
) -> None:
    job = one(manifests, "Job", "perimeter-migrate")
    annotations = job["metadata"]["annotations"]
    assert set(annotations["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    assert container(job)["args"] == ["db", "upgrade"]
    # What the Job reads exists before it: hooks of a lower weight.
    for kind, name in (("ConfigMap", "perimeter-config"), ("Secret", "perimeter-secrets")):
        hook = one(manifests, kind, name)["metadata"]["annotations"]
        assert set(hook["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
        assert int(hook["helm.sh/hook-weight"]) < int(annotations["helm.sh/hook-weight"])


def test_the_telegram_poller_is_a_single_recreated_pod(manifests: list[dict[str, Any]]) -> None:
    telegram = one(manifests, "Deployment", "perimeter-telegram")
    assert telegram["spec"]["replicas"] == 1
    assert telegram["spec"]["strategy"] == {"type": "Recreate"}
    assert container(telegram)["args"] == ["telegram"]


def test_no_telegram_worker_unless_polling(helm: str, chart: Path) -> None:
    for mode in ("off", "webhook"):
        values = {**VALUES, "telegram": {"mode": mode, "webhookUrl": "https://chat.example/tg"}}
        kinds = {(m["kind"], m["metadata"]["name"]) for m in render(helm, chart, values)}
        assert ("Deployment", "perimeter-telegram") not in kinds, mode


def test_vllm_asks_for_a_gpu_and_keeps_its_model_cache(manifests: list[dict[str, Any]]) -> None:
    vllm = one(manifests, "Deployment", "perimeter-vllm")
    resources = container(vllm)["resources"]
    assert int(resources["requests"]["nvidia.com/gpu"]) >= 1
    assert resources["limits"]["nvidia.com/gpu"] == resources["requests"]["nvidia.com/gpu"]
    pod = vllm["spec"]["template"]["spec"]
    assert pod["tolerations"] and pod["nodeSelector"]
    claim = next(v for v in pod["volumes"] if "persistentVolumeClaim" in v)
    one(manifests, "PersistentVolumeClaim", claim["persistentVolumeClaim"]["claimName"])
    config = one(manifests, "ConfigMap", "perimeter-config")["data"]
    assert config["PERIMETER_LLM__OPENAI_BASE_URL"] == "http://perimeter-vllm:8000/v1"
    args = container(vllm)["args"]
    assert args[args.index("--served-model-name") + 1] == config["PERIMETER_LLM__MODEL"]


def test_the_pdb_and_the_hpa_govern_the_web_pods(manifests: list[dict[str, Any]]) -> None:
    web = one(manifests, "Deployment", "perimeter-web")
    hpa = one(manifests, "HorizontalPodAutoscaler", "perimeter-web")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "perimeter-web",
    }
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
    selector = one(manifests, "PodDisruptionBudget", "perimeter-web")["spec"]["selector"]
    for workload in manifests:
        if workload["kind"] != "Deployment":
            continue
        labels = workload["spec"]["template"]["metadata"]["labels"]
        matches = selector["matchLabels"].items() <= labels.items()
        assert matches == (workload is web), workload["metadata"]["name"]


def test_no_secret_value_is_in_the_config_map(manifests: list[dict[str, Any]]) -> None:
    config = json.dumps(one(manifests, "ConfigMap", "perimeter-config"))
    for name, value in SECRET_VALUES.items():
        assert value not in config, name
        assert name.upper() not in config, name
    stored = one(manifests, "Secret", "perimeter-secrets")["stringData"]
    assert stored == SECRET_VALUES


def test_config_and_secret_names_are_settings(manifests: list[dict[str, Any]]) -> None:
    known = setting_names()
    config = one(manifests, "ConfigMap", "perimeter-config")["data"]
    assert set(config) <= known, sorted(set(config) - known)
    values = yaml.safe_load((CHART / "values.yaml").read_text(encoding="utf-8"))
    assert set(values["config"]) <= known
    secrets = one(manifests, "Secret", "perimeter-secrets")["stringData"]
    assert {name.upper() for name in secrets} <= known


def test_the_chart_knows_every_credential_setting() -> None:
    """The chart's list of settings refused in the ConfigMap is every secret setting."""
    helpers = (CHART / "templates" / "_helpers.tpl").read_text(encoding="utf-8")
    block = helpers.split('define "perimeter.secretSettings"', 1)[1].split("{{- end }}", 1)[0]
    listed = set(block.split("-}}", 1)[1].split())
    assert listed == secret_setting_names() | {"PERIMETER_DATABASE__URL"}


def test_the_chart_refuses_a_credential_in_the_config(helm: str, chart: Path) -> None:
    values = {**VALUES, "config": {"PERIMETER_CORE_BANKING__TOKEN": "oops"}}
    with pytest.raises(RuntimeError, match="perimeter_core_banking__token"):
        render(helm, chart, values)


def test_the_chart_refuses_a_poller_without_a_token(helm: str, chart: Path) -> None:
    secrets = {k: v for k, v in SECRET_VALUES.items() if k != "perimeter_telegram__token"}
    with pytest.raises(RuntimeError, match="perimeter_telegram__token"):
        render(helm, chart, {**VALUES, "secrets": secrets})


def test_the_values_schema_is_enforced(helm: str, chart: Path) -> None:
    with pytest.raises(RuntimeError, match="telegram"):
        render(helm, chart, {**VALUES, "telegram": {"mode": "sometimes"}})
    with pytest.raises(RuntimeError, match="PERIMETER_"):
        render(helm, chart, {**VALUES, "config": {"LOG_LEVEL": "DEBUG"}})


def test_the_staff_ingress_is_its_own_host_and_allow_listed(
    manifests: list[dict[str, Any]],
) -> None:
    customers = one(manifests, "Ingress", "perimeter")
    staff = one(manifests, "Ingress", "perimeter-staff")
    assert customers["spec"]["rules"][0]["host"] != staff["spec"]["rules"][0]["host"]
    backend = staff["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": "perimeter-staff", "port": {"name": "staff"}}
    annotations = staff["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/whitelist-source-range"] == "10.30.0.0/16"
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600


def test_the_gateway_is_its_own_service_inside_the_cluster(helm: str, chart: Path) -> None:
    values = {
        **VALUES,
        "gateway": {"enabled": True},
        "networkPolicy": {**VALUES["networkPolicy"], "gatewayNamespaces": ["crm"]},
    }
    manifests = render(helm, chart, values)
    service = one(manifests, "Service", f"{RELEASE}-gateway")
    assert service["spec"]["type"] == "ClusterIP"
    assert service["spec"]["ports"] == [{"name": "gateway", "port": 8088, "targetPort": "gateway"}]
    config = one(manifests, "ConfigMap", f"{RELEASE}-config")["data"]
    assert (config["PERIMETER_GATEWAY__PORT"], config["PERIMETER_GATEWAY__HOST"]) == (
        "8088",
        "0.0.0.0",
    )
    web = one(manifests, "Deployment", f"{RELEASE}-web")["spec"]["template"]["spec"]
    assert {"name": "gateway", "containerPort": 8088} in web["containers"][0]["ports"]
    policy = one(manifests, "NetworkPolicy", RELEASE)["spec"]["ingress"]
    assert {"port": 8088} in policy[-1]["ports"]
    assert not [i for i in manifests if i["kind"] == "Ingress" and "gateway" in str(i)]
    for manifest in (service, one(manifests, "NetworkPolicy", RELEASE)):
        kubernetes_validate.validate(manifest, KUBERNETES_VERSIONS[-1], strict=True)


def test_no_gateway_unless_enabled(manifests: list[dict[str, Any]]) -> None:
    assert not [m for m in manifests if m["metadata"]["name"].endswith("-gateway")]
    assert "PERIMETER_GATEWAY__PORT" not in one(manifests, "ConfigMap", f"{RELEASE}-config")["data"]
