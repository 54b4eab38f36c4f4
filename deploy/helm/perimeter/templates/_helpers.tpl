{{- define "perimeter.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "perimeter.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "perimeter.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "perimeter.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/* Selector labels of one component: web, telegram, migrate, vllm. */}}
{{- define "perimeter.selectorLabels" -}}
app.kubernetes.io/name: {{ include "perimeter.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "perimeter.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "perimeter.secretName" -}}
{{- default (printf "%s-secrets" (include "perimeter.fullname" .)) .Values.existingSecret }}
{{- end }}

{{/* The Qdrant the app uses: the subchart's service, or the bank's. */}}
{{- define "perimeter.qdrantUrl" -}}
{{- if .Values.qdrant.enabled }}
{{- $name := ternary .Release.Name (printf "%s-qdrant" .Release.Name) (contains "qdrant" .Release.Name) }}
{{- printf "http://%s:6333" ($name | trunc 63 | trimSuffix "-") }}
{{- else }}
{{- required "qdrant.enabled=false needs externalQdrantUrl" .Values.externalQdrantUrl }}
{{- end }}
{{- end }}

{{/* Settings that hold credentials: only ever files in /run/secrets, never the ConfigMap. */}}
{{- define "perimeter.secretSettings" -}}
PERIMETER_DATABASE__URL PERIMETER_REDIS__URL PERIMETER_QDRANT__API_KEY PERIMETER_LLM__OPENAI_API_KEY PERIMETER_CORE_BANKING__TOKEN PERIMETER_AUTH__WEB_TOKEN_SECRET PERIMETER_TELEGRAM__TOKEN PERIMETER_TELEGRAM__WEBHOOK_SECRET PERIMETER_PRIVACY__RAW_TEXT_KEY
{{- end }}

{{/* What every Perimeter container shares: settings from the ConfigMap, secrets as files. */}}
{{- define "perimeter.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "perimeter.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end }}

{{- define "perimeter.envFrom" -}}
- configMapRef:
    name: {{ include "perimeter.fullname" . }}-config
{{- end }}

{{- define "perimeter.volumeMounts" -}}
- name: secrets
  mountPath: /run/secrets
  readOnly: true
- name: tmp
  mountPath: /tmp
- name: data
  mountPath: /data
{{- if .Values.kb.existingClaim }}
- name: kb
  mountPath: /kb
  readOnly: true
{{- end }}
{{- end }}

{{- define "perimeter.volumes" -}}
- name: secrets
  secret:
    secretName: {{ include "perimeter.secretName" . }}
    defaultMode: 0440
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
- name: data
  emptyDir:
    sizeLimit: 2Gi
{{- if .Values.kb.existingClaim }}
- name: kb
  persistentVolumeClaim:
    claimName: {{ .Values.kb.existingClaim }}
    readOnly: true
{{- end }}
{{- end }}
